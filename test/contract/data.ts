/** Builders for contract-test data. */
import { randomUUID } from 'node:crypto';
import type { MemoryRecord, Sector, SectorVector } from '../../src/core/types.js';
import type { NewMemory } from '../../src/store/store.js';

export const T0 = 1_790_000_000_000;

export function memory(overrides: Partial<Omit<MemoryRecord, 'userId'>> = {}): Omit<MemoryRecord, 'userId'> {
  return {
    id: randomUUID(),
    segment: 0,
    content: 'a memory',
    simhash: '0123456789abcdef',
    primarySector: 'semantic',
    tags: ['t'],
    meta: { source: 'test' },
    createdAt: T0,
    updatedAt: T0,
    lastSeenAt: T0,
    salience: 0.5,
    decayLambda: 0.005,
    version: 1,
    meanDim: null,
    meanVec: null,
    feedbackScore: 0,
    ...overrides,
  };
}

export function vec(sector: Sector, values: number[], model: string | null = 'test:model/4'): SectorVector {
  return { sector, vector: Float32Array.from(values), model };
}

export function item(
  overrides: Partial<Omit<MemoryRecord, 'userId'>> = {},
  vectors: SectorVector[] = [],
  waypoints: NewMemory['waypoints'] = [],
): NewMemory {
  return { memory: memory(overrides), vectors, waypoints };
}
