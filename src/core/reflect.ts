/**
 * Reflection (reference §5.13, done per user): clusters of similar memories become one
 * reflective memory that names its sources.
 */
import { greedyClusters, type Clusterable } from './cluster.js';

export interface ReflectItem extends Clusterable {
  content: string;
}

export interface Reflection {
  content: string;
  sector: string;
  sources: string[];
}

export const REFLECTION_SIMILARITY = 0.8;
export const REFLECTION_TAG = 'reflect:auto';
const MAX_CONTENT = 200;

export function reflectionText(sector: string, members: readonly ReflectItem[]): string {
  const parts = members.map((m) => m.content.replace(/\s+/g, ' ').trim().slice(0, 60)).join('; ');
  return `${members.length} ${sector} pattern: ${parts}`.slice(0, MAX_CONTENT);
}

/** Clusters of at least two memories; `alreadyReflected` ids never seed or join a cluster again. */
export function findReflections(
  items: readonly ReflectItem[],
  alreadyReflected: ReadonlySet<string>,
  threshold = REFLECTION_SIMILARITY,
): Reflection[] {
  const fresh = items.filter((m) => !alreadyReflected.has(m.id));
  return greedyClusters(fresh, threshold)
    .filter((c) => c.length >= 2)
    .map((c) => ({
      content: reflectionText(c[0]!.primarySector, c),
      sector: c[0]!.primarySector,
      sources: c.map((m) => m.id),
    }));
}
