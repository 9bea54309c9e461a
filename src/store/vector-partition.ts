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
/** Rows per centroid the centroids are trained on (evenly spaced over the matrix). */
const TRAIN_PER_LIST = 16;
const LLOYD_STEPS = 2;
/** Coarse groups a row is compared through when it is filed (see {@link Coarse}). */
const COARSE_PROBES = 3;
/** Up to this many lists a row is compared with every centroid. */
const EXACT_FILING_LISTS = 64;
/** Rows handled between two yields to the event loop while a partition is built. */
const SLICE_ROWS = 2048;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Centroids grouped around √lists of themselves, so filing a row compares it with √lists coarse
 * centroids and the members of the closest few instead of with every centroid: building a
 * partition of n rows costs about n·√n products instead of n². A row may land in a near-closest
 * list; a search probes √lists of them, so it is still found.
 */
interface Coarse {
  centroids: RowBuffer;
  members: Int32Array[];
  /** Scratch for the candidate centroids of one row. */
  candidates: Int32Array;
}

export interface Partition {
  dim: number;
  /** Unit centroids, one row per list. */
  centroids: RowBuffer;
  /** Absent up to {@link EXACT_FILING_LISTS} lists. */
  coarse?: Coarse;
  /** Row numbers of the matrix, by centroid. */
  lists: number[][];
  /** Rows the partition was built from; it is rebuilt once the matrix has doubled. */
  builtAt: number;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Row `i` of the matrix being partitioned, as floats, valid until the next call. */
export type RowReader = (i: number) => Float32Array;

/** Copies the given rows into a new buffer. */
function pick(row: RowReader, dim: number, rows: readonly number[]): RowBuffer {
  const out = new RowBuffer(dim, rows.length);
  rows.forEach((r, i) => out.data.set(row(r), i * dim));
  return out;
}

const evenlySpaced = (from: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => Math.floor((i * from) / count));

/** Each centroid moved to the unit mean of the sample rows closest to it (empty ones stay). */
async function lloydStep(
  centroids: RowBuffer,
  count: number,
  matrix: RowReader,
  sample: readonly number[],
): Promise<RowBuffer> {
  const { dim } = centroids;
  const moved = new RowBuffer(dim, count);
  const sums = moved.data;
  const filled = new Uint8Array(count);
  for (let s = 0; s < sample.length; s += SLICE_ROWS) {
    for (const r of sample.slice(s, s + SLICE_ROWS)) {
      const row = matrix(r);
      const c = argmax(centroids.dots(row, count));
      filled[c] = 1;
      for (let j = 0; j < dim; j++) sums[c * dim + j]! += row[j]!;
    }
    await nextTurn();
  }
  for (let c = 0; c < count; c++) if (!filled[c]) sums.set(centroids.data.subarray(c * dim, (c + 1) * dim), c * dim);
  normalizeRows(sums, dim, 0, count);
  return moved;
}

function coarseOf(centroids: RowBuffer, count: number): Coarse | undefined {
  if (count <= EXACT_FILING_LISTS) return undefined;
  const groups = Math.ceil(Math.sqrt(count));
  const coarse = pick(
    (c) => centroids.data.subarray(c * centroids.dim, (c + 1) * centroids.dim),
    centroids.dim,
    evenlySpaced(count, groups),
  );
  const members: number[][] = Array.from({ length: groups }, () => []);
  for (let c = 0; c < count; c++)
    members[argmax(coarse.dots(centroids.data.subarray(c * centroids.dim, (c + 1) * centroids.dim), groups))]!.push(c);
  return { centroids: coarse, members: members.map((m) => Int32Array.from(m)), candidates: new Int32Array(count) };
}

/** The list a row is filed under: the closest centroid, among the members of its closest coarse groups when there are many. */
function listFor(p: Partition, row: Float32Array): number {
  if (!p.coarse) return argmax(p.centroids.dots(row, p.lists.length));
  const { members, candidates } = p.coarse;
  let n = 0;
  for (const g of closest(p.coarse.centroids.dots(row, members.length), Math.min(COARSE_PROBES, members.length))) {
    candidates.set(members[g]!, n);
    n += members[g]!.length;
  }
  const within = candidates.subarray(0, n);
  return within[argmax(p.centroids.dotsAt(row, within))]!;
}

/**
 * Partitions rows `[0, rows)` of `matrix`, yielding to the event loop every {@link SLICE_ROWS}
 * rows so that searches and writes go on meanwhile (a build of 100,000 rows takes about half a
 * second). Centroids start as evenly spaced rows and take {@link LLOYD_STEPS} k-means steps over
 * an evenly spaced sample; then every row is filed. Rows appended meanwhile are the caller's to file.
 */
export async function buildPartition(matrix: RowReader, dim: number, rows: number): Promise<Partition> {
  const count = Math.max(1, Math.round(rows / ROWS_PER_LIST));
  let centroids = pick(matrix, dim, evenlySpaced(rows, count));
  const sample = evenlySpaced(rows, Math.min(rows, count * TRAIN_PER_LIST));
  for (let step = 0; step < LLOYD_STEPS; step++) centroids = await lloydStep(centroids, count, matrix, sample);
  const p: Partition = {
    dim,
    centroids,
    coarse: coarseOf(centroids, count),
    lists: Array.from({ length: count }, () => []),
    builtAt: rows,
  };
  for (let from = 0; from < rows; from += SLICE_ROWS) {
    assignRows(p, matrix, from, Math.min(rows, from + SLICE_ROWS));
    await nextTurn();
  }
  return p;
}

/** Files rows appended to the matrix (row numbers `from` up to `to`), as {@link listFor} chooses. */
export function assignRows(p: Partition, matrix: RowReader, from: number, to: number): void {
  for (let i = from; i < to; i++) p.lists[listFor(p, matrix(i))]!.push(i);
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
  const rows: number[] = [];
  for (const list of closest(sims, probes)) for (const r of p.lists[list]!) rows.push(r);
  return rows;
}

/** Indexes of the `n` largest values, best first (a partial selection: n is about √ of the length). */
function closest(values: Float32Array, n: number): Int32Array {
  const top = new Int32Array(n);
  const best = new Float64Array(n).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v <= best[n - 1]!) continue;
    let at = n - 1;
    for (; at > 0 && v > best[at - 1]!; at--) {
      best[at] = best[at - 1]!;
      top[at] = top[at - 1]!;
    }
    best[at] = v;
    top[at] = i;
  }
  return top;
}
