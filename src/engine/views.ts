/** v1.2 response shapes built from store records. */
import { isSector, type MemoryRecord, type Sector, type SectorVector } from '../core/types.js';
import type { MemoryView } from './api.js';

/** Sectors that hold a vector for the memory (v1.2 meaning of `sectors`). */
export function vectorSectors(vectors: readonly SectorVector[] | undefined, fallback: string): Sector[] {
  const found = (vectors ?? []).map((v) => v.sector);
  if (found.length > 0) return found;
  return isSector(fallback) ? [fallback] : [];
}

export function toMemoryView(m: MemoryRecord, sectors: Sector[]): MemoryView {
  return {
    id: m.id,
    content: m.content,
    primary_sector: m.primarySector,
    sectors,
    tags: m.tags,
    metadata: m.meta,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    last_seen_at: m.lastSeenAt,
    salience: m.salience,
    decay_lambda: m.decayLambda,
    version: m.version,
    user_id: m.userId,
  };
}
