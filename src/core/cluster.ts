/**
 * Greedy clustering of one user's memories by real similarity (cosine of mean vectors,
 * or token Jaccard when vectors are missing or not comparable) — v1.2 compared unaligned
 * word-count lists, which grouped unrelated short texts.
 */
import { cosine } from './vector.js';

export interface Clusterable {
  id: string;
  primarySector: string;
  vector: Float32Array | null;
  tokens: ReadonlySet<string>;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let both = 0;
  for (const t of a) if (b.has(t)) both++;
  return both / (a.size + b.size - both);
}

export function similarity(a: Clusterable, b: Clusterable): number {
  if (a.vector && b.vector && a.vector.length === b.vector.length) return cosine(a.vector, b.vector);
  return jaccard(a.tokens, b.tokens);
}

/**
 * Each unassigned item seeds a cluster of the later items of the same primary sector that are
 * at least `threshold` similar to it. Reflective memories never take part. Largest first.
 */
export function greedyClusters<T extends Clusterable>(items: readonly T[], threshold: number): T[][] {
  const pool = items.filter((m) => m.primarySector !== 'reflective');
  const used = new Set<string>();
  const clusters: T[][] = [];
  for (const seed of pool) {
    if (used.has(seed.id)) continue;
    used.add(seed.id);
    const cluster = [seed];
    for (const other of pool) {
      if (used.has(other.id) || other.primarySector !== seed.primarySector) continue;
      if (similarity(seed, other) >= threshold) {
        cluster.push(other);
        used.add(other.id);
      }
    }
    clusters.push(cluster);
  }
  return clusters.sort((a, b) => b.length - a.length);
}
