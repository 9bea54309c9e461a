/**
 * A coarse partition of a large unit-vector matrix (an inverted file): rows are grouped by
 * their closest centroid, and a search scans only the groups whose centroids are closest to
 * the query. Exact search costs one pass over every row; at 100,000 rows of 256 floats that
 * is tens of milliseconds per sector, which neither a query nor the links of each new memory
 * can afford, so large indexes trade exactness for scanning a few percent of the rows.
 */
import { RowBuffer } from './row-buffer.js';
import { normalizeRows } from './row-math.js';

/** Rows per group the partition aims at when it is (re)built. */
const ROWS_PER_LIST = 256;

export interface Partition {
  dim: number;
  /** Unit centroids, one row per list. */
  centroids: RowBuffer;
  /** Row numbers of the matrix, by centroid. */
  lists: number[][];
  /** Rows the partition was built from; it is rebuilt once the matrix has doubled. */
  builtAt: number;
}

function closestCentroid(p: Partition, data: Float32Array, base: number): number {
  const sims = p.centroids.dots(data.subarray(base, base + p.dim), p.lists.length);
  let best = 0;
  for (let c = 1; c < sims.length; c++) if (sims[c]! > sims[best]!) best = c;
  return best;
}

/**
 * Centroids are evenly spaced rows, moved once to the mean of the rows assigned to them (one
 * Lloyd step); rows are then assigned again to the moved centroids.
 */
export function buildPartition(data: Float32Array, dim: number, rows: number): Partition {
  const count = Math.max(1, Math.round(rows / ROWS_PER_LIST));
  const stride = rows / count;
  const centroids = new RowBuffer(dim, count);
  for (let c = 0; c < count; c++) centroids.data.set(data.subarray(Math.floor(c * stride) * dim, (Math.floor(c * stride) + 1) * dim), c * dim);
  const p: Partition = { dim, centroids, lists: [], builtAt: rows };
  const assign = () => {
    p.lists = Array.from({ length: count }, () => []);
    for (let i = 0; i < rows; i++) p.lists[closestCentroid(p, data, i * dim)]!.push(i);
  };
  assign();
  const moved = new RowBuffer(dim, count);
  const sums = moved.data;
  p.lists.forEach((list, c) => {
    for (const i of list) for (let j = 0; j < dim; j++) sums[c * dim + j]! += data[i * dim + j]!;
    if (list.length === 0) sums.set(centroids.data.subarray(c * dim, (c + 1) * dim), c * dim);
  });
  normalizeRows(sums, dim, 0, count);
  p.centroids = moved;
  assign();
  return p;
}

/** Files rows appended to the matrix (row numbers `from` up to `to`) under their closest centroid. */
export function assignRows(p: Partition, data: Float32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) p.lists[closestCentroid(p, data, i * p.dim)]!.push(i);
}

/**
 * Row numbers to scan for a query: the rows of the groups with the closest centroids, √groups
 * of them for a candidate list (k > 5), half that for the few nearest (links of a new memory).
 * Measured on one user's 100,000 generated memories: every needle's sector still ranks it within
 * its top 30 while a query scans about 13,000 of 120,000 rows; twice the groups found
 * nothing more and cost twice as much, since scattered rows are read at memory speed.
 */
export function probeRows(p: Partition, q: Float32Array, k: number): number[] {
  const count = p.lists.length;
  const probes = Math.min(count, Math.ceil(Math.sqrt(count) * (k > 5 ? 1 : 0.5)));
  const sims = p.centroids.dots(q, count);
  const order = Array.from({ length: count }, (_, c) => c).sort((a, b) => sims[b]! - sims[a]!);
  const rows: number[] = [];
  for (let i = 0; i < probes; i++) for (const r of p.lists[order[i]!]!) rows.push(r);
  return rows;
}
