/** Exact cosine top-k over a dense matrix (in-process search; no ANN index). */
import type { SectorMatrix, VectorHit } from './store.js';

export function topKCosine(matrix: SectorMatrix, query: Float32Array, k: number): VectorHit[] {
  const { ids, dim, data } = matrix;
  if (k <= 0 || query.length !== dim || ids.length === 0) return [];
  let qq = 0;
  for (let j = 0; j < dim; j++) qq += query[j]! * query[j]!;
  const hits: VectorHit[] = [];
  for (let i = 0; i < ids.length; i++) {
    let dot = 0;
    let vv = 0;
    const base = i * dim;
    for (let j = 0; j < dim; j++) {
      const x = data[base + j]!;
      dot += x * query[j]!;
      vv += x * x;
    }
    const denom = Math.sqrt(qq * vv);
    hits.push({ id: ids[i]!, similarity: denom === 0 ? 0 : dot / denom });
  }
  hits.sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1));
  return hits.slice(0, k);
}
