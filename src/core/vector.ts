/** Vector arithmetic over Float32Array (reference §1.4, §5.6). */
import { SECTOR_CONFIGS } from './sectors.js';
import type { Sector } from './types.js';

/** 0 when lengths differ (vectors of another model or dimension are not comparable). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Cosine of two unit vectors (what `averageVectors` returns): the dot product alone, a third of `cosine`'s work. */
export function unitCosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** In place; a zero vector stays zero. */
export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** Element-wise mean (chunk vectors of one sector), renormalised. */
export function averageVectors(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  return normalize(out);
}

/** Softmax-weighted mean of a memory's sector vectors, weights e^(2·sector weight) (v1.2). Null when lengths differ. */
export function meanVector(vectors: ReadonlyArray<{ sector: Sector; vector: Float32Array }>): Float32Array | null {
  const dim = vectors[0]?.vector.length;
  if (dim === undefined || vectors.some((v) => v.vector.length !== dim)) return null;
  const weights = vectors.map((v) => Math.exp(2 * SECTOR_CONFIGS[v.sector].weight));
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Float32Array(dim);
  vectors.forEach((v, j) => {
    const w = weights[j]! / total;
    for (let i = 0; i < dim; i++) out[i]! += w * v.vector[i]!;
  });
  return normalize(out);
}
