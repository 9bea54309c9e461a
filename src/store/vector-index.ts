/**
 * In-process vector indexes, one per (user, sector, dimension): the user's vectors as a dense
 * matrix of unit rows, so a search is one pass of dot products with a bounded top-k.
 *
 * Each index belongs to one user model (./cache/user-model.ts), which keeps it current through
 * the user's change journal: changed memories' rows are removed (left as gaps) and appended
 * again, instead of reloading the user's vectors, which takes a second or more at 100,000.
 *
 * Small indexes are searched exactly; from {@link PARTITION_MIN_ROWS} rows on, a coarse
 * partition (./vector-partition.ts) limits a search to the rows near the query.
 */
import type { SectorMatrix, VectorHit } from './store.js';
import { grown } from './grown.js';
import { dotAt } from './row-math.js';
import { UnitRows } from './unit-rows.js';
import { assignRows, buildPartition, probeRows, type Partition } from './vector-partition.js';

/** Below this many rows a search scans them all (exact); at and above, it probes a partition. */
export const PARTITION_MIN_ROWS = 4096;

export interface UnitMatrix {
  /** One per row; `ids.length` is the number of rows. */
  ids: string[];
  dim: number;
  /** Unit vectors (zero rows stay zero); may hold spare capacity beyond the rows. */
  rows: UnitRows;
  partition?: Partition;
  /** The last partition build started for this index (tests wait for it). */
  partitioned?: Promise<void>;
  /** Row of each id, built on first lookup by id and kept up to date by appends. */
  rowOf?: Map<string, number>;
  /**
   * Row + 1 (0: none) by the memory's row in its user model (./cache/memory-rows.ts), and each
   * row's memory row (-1: none): a query goes between candidates and their vectors through typed
   * arrays instead of maps keyed by id. Built together on first use, kept up to date by appends
   * and removals; whoever renumbers the memories drops them ({@link forgetMemoryRows}).
   */
  byMemory?: Int32Array;
  memoryRows?: Int32Array;
  /** Rows whose memory is gone: their id is {@link REMOVED} and their vector zero. */
  removed?: number;
}

/** The id of a removed row (no memory id is empty). */
const REMOVED = '';
/** Past this share of removed rows an index is compacted. */
const MAX_REMOVED_SHARE = 0.25;

function rowOf(index: UnitMatrix): Map<string, number> {
  if (!index.rowOf) {
    index.rowOf = new Map();
    index.ids.forEach((id, row) => id !== REMOVED && index.rowOf!.set(id, row));
  }
  return index.rowOf;
}

export function toUnitMatrix(m: SectorMatrix): UnitMatrix {
  const { ids, dim } = m;
  const rows = new UnitRows(dim, ids.length);
  for (let i = 0; i < ids.length; i++) rows.set(i, m.data.subarray(i * dim, (i + 1) * dim));
  return { ids, dim, rows };
}

/** Whether a partition is being built in this process: one at a time, so builds never pile up. */
let building = false;

/**
 * The partition of a large index. It is built in the background on first use and rebuilt once
 * the index has doubled; until a build is done, searches use the previous partition (kept up to
 * date by appends) or, for a fresh index, scan every row (exact, a few milliseconds at 100,000).
 */
function partitionOf(index: UnitMatrix): Partition | undefined {
  const n = index.ids.length;
  if (n < PARTITION_MIN_ROWS) return undefined;
  if ((!index.partition || n >= 2 * index.partition.builtAt) && !building) {
    building = true;
    // The matrix may grow meanwhile: rows are read through the index, never a buffer held aside.
    const row = (i: number) => index.rows.row(i);
    index.partitioned = buildPartition(row, index.dim, n)
      .then((p) => {
        assignRows(p, row, p.builtAt, index.ids.length);
        index.partition = p;
      })
      // Pure computation; should it fail, searches keep scanning as they do now.
      .catch(() => {})
      .finally(() => {
        building = false;
      });
  }
  return index.partition;
}

/** The query scaled to unit length (a zero query stays zero), written into `q` when given. */
export function unit(query: Float32Array, q = new Float32Array(query.length)): Float32Array {
  const norm = Math.sqrt(dotAt(query, 0, query, query.length));
  if (norm > 0) for (let j = 0; j < q.length; j++) q[j] = query[j]! / norm;
  return q;
}

/** The row of a memory's vector in the index, if it has one. */
export function rowOfId(index: UnitMatrix, id: string): number | undefined {
  return rowOf(index).get(id);
}

/** The memory row of each row (-1: none), built with its inverse if not there; `memoryRowOf` numbers the memories. */
export function memoryRowsOf(index: UnitMatrix, memoryRowOf: (id: string) => number | undefined): Int32Array {
  // Built and dropped together (setMemoryRow, forgetMemoryRows): one test stands for both.
  if (!index.memoryRows) {
    index.byMemory = new Int32Array(0);
    index.memoryRows = new Int32Array(Math.max(1, index.ids.length)).fill(-1);
    index.ids.forEach((rowId, row) => rowId !== REMOVED && setMemoryRow(index, memoryRowOf(rowId), row));
  }
  return index.memoryRows!;
}

/** The row holding the vector of the memory at `memoryRow` in its user model, if there is one. */
export function rowOfMemory(
  index: UnitMatrix,
  memoryRow: number,
  memoryRowOf: (id: string) => number | undefined,
): number | undefined {
  const memoryRows = memoryRowsOf(index, memoryRowOf);
  const row = (index.byMemory![memoryRow] ?? 0) - 1;
  // A removed row's entry is stale: the row no longer names the memory.
  return row >= 0 && memoryRows[row] === memoryRow ? row : undefined;
}

/** For whoever renumbers the memories: the tables are built again on next use. */
export function forgetMemoryRows(index: UnitMatrix): void {
  index.byMemory = undefined;
  index.memoryRows = undefined;
}

function setMemoryRow(index: UnitMatrix, memoryRow: number | undefined, row: number): void {
  if (memoryRow === undefined || !index.byMemory || !index.memoryRows) return;
  index.byMemory = grown(index.byMemory, memoryRow + 1);
  index.byMemory[memoryRow] = row + 1;
  index.memoryRows = grown(index.memoryRows, row + 1, -1);
  index.memoryRows[row] = memoryRow;
}

/** Cosine of a unit query with one row: from `dots` of every row when given. */
export function cosineAt(index: UnitMatrix, q: Float32Array, row: number, dots?: Float32Array | null): number {
  return clampCosine(dots ? dots[row]! : index.rows.dot(row, q));
}

/** Quantized rows can put a cosine a hair past ±1. */
const clampCosine = (c: number): number => Math.min(1, Math.max(-1, c));

/** Rows a search reads exactly because the index is small (0 for an index a partition narrows). */
export const exactRows = (index: UnitMatrix): number => (index.ids.length < PARTITION_MIN_ROWS ? index.ids.length : 0);

/**
 * The products of a unit query with every row when the index is small enough to be searched
 * exactly (a copy, into `into` when it is long enough: it outlives the next search), or null when
 * a partition narrows its searches.
 */
export function exactDots(index: UnitMatrix, q: Float32Array, into?: Float32Array): Float32Array | null {
  if (partitionOf(index)) return null;
  const products = index.rows.dots(q, index.ids.length);
  if (!into || into.length < products.length) return products.slice();
  const copy = into.subarray(0, products.length);
  copy.set(products);
  return copy;
}

/**
 * The running top-k of {@link nearestRows}, reused: a search is synchronous, and a typed array
 * with its own buffer costs near a microsecond to allocate (two per sector per query).
 */
let topRows = new Int32Array(64);
let topSims = new Float64Array(64);

/** Whether row `a` with product `da` ranks below row `b` with `db`: a lower product, or an equal one and a higher id. */
const below = (ids: readonly string[], da: number, a: number, db: number, b: number): boolean =>
  da < db || (da === db && ids[a]! > ids[b]!);

/** Puts `row` (product `dot`) in the heap's free place `at`, moving it up past those it ranks below. */
function siftUp(
  ids: readonly string[],
  rows: Int32Array,
  sims: Float64Array,
  at: number,
  row: number,
  dot: number,
): void {
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if (!below(ids, dot, row, sims[parent]!, rows[parent]!)) break;
    rows[at] = rows[parent]!;
    sims[at] = sims[parent]!;
    at = parent;
  }
  rows[at] = row;
  sims[at] = dot;
}

/** Restores the heap (the lowest-ranked kept row at the root) below `at`. */
function siftDown(ids: readonly string[], rows: Int32Array, sims: Float64Array, size: number, at: number): void {
  const row = rows[at]!;
  const dot = sims[at]!;
  for (;;) {
    let c = 2 * at + 1;
    if (c >= size) break;
    if (c + 1 < size && below(ids, sims[c + 1]!, rows[c + 1]!, sims[c]!, rows[c]!)) c++;
    if (!below(ids, sims[c]!, rows[c]!, dot, row)) break;
    rows[at] = rows[c]!;
    sims[at] = sims[c]!;
    at = c;
  }
  rows[at] = row;
  sims[at] = dot;
}

/**
 * Cosine top-k of a unit query: from `dots` of every row when given, else exact or through the
 * partition. Ties: lower id first. A hit's `row` is its memory's row from `memoryRows` (-1 without).
 */
export function nearestRows(
  index: UnitMatrix,
  q: Float32Array,
  k: number,
  dots?: Float32Array | null,
  memoryRows?: Int32Array,
): VectorHit[] {
  const { ids } = index;
  if (k <= 0 || q.length !== index.dim || ids.length === 0) return [];
  const partition = dots ? undefined : partitionOf(index);
  const scanned = partition ? probeRows(partition, q, k) : null;
  const products = dots ?? (scanned ? index.rows.dotsAt(q, scanned) : index.rows.dots(q, ids.length));
  const keep = Math.min(k, products.length);
  if (keep === 0) return [];
  if (keep > topRows.length) [topRows, topSims] = [new Int32Array(keep), new Float64Array(keep)];
  // A heap of the rows kept so far, the lowest-ranked at the root: a row enters only when it beats that one.
  const rows = topRows;
  const sims = topSims;
  // Reading a row's id costs a cache miss: an index without gaps skips the test.
  const gaps = (index.removed ?? 0) > 0;
  let size = 0;
  for (let s = 0; s < products.length; s++) {
    const i = scanned ? scanned[s]! : s;
    const dot = products[s]!;
    // The cheap test first: most rows fall short of the k-th product.
    if (size === keep && below(ids, dot, i, sims[0]!, rows[0]!)) continue;
    if (gaps && ids[i] === REMOVED) continue;
    if (size < keep) {
      siftUp(ids, rows, sims, size++, i, dot);
    } else {
      rows[0] = i;
      sims[0] = dot;
      siftDown(ids, rows, sims, size, 0);
    }
  }
  // Taken from the root, lowest first, so the list fills from its end.
  const hits = new Array<VectorHit>(size);
  for (let n = size; n > 0; n--) {
    hits[n - 1] = { id: ids[rows[0]!]!, row: memoryRows?.[rows[0]!] ?? -1, similarity: clampCosine(sims[0]!) };
    rows[0] = rows[n - 1]!;
    sims[0] = sims[n - 1]!;
    siftDown(ids, rows, sims, n - 1, 0);
  }
  return hits;
}

/**
 * Appends rows in place, growing the buffer by doubling: copying the whole matrix for every
 * added memory would make loading a large user quadratic.
 */
export function appendRows(
  index: UnitMatrix,
  rows: ReadonlyArray<{ id: string; vector: Float32Array; memoryRow?: number }>,
): void {
  const from = index.ids.length;
  index.rows.reserve(from + rows.length);
  rows.forEach((r, i) => index.rows.set(from + i, r.vector));
  for (const r of rows) {
    index.ids.push(r.id);
    index.rowOf?.set(r.id, index.ids.length - 1);
    // Without the memory's row the tables cannot stay exact: they are built again on next use.
    if (r.memoryRow === undefined) forgetMemoryRows(index);
    else setMemoryRow(index, r.memoryRow, index.ids.length - 1);
  }
  if (index.partition) assignRows(index.partition, (i) => index.rows.row(i), from, index.ids.length);
}

/**
 * Leaves the rows of these ids as gaps (their partition lists keep them; searches skip them).
 * Returns the index to keep using: past a quarter of gaps, a compacted copy of the live rows.
 */
export function removeRows(index: UnitMatrix, ids: Iterable<string>): UnitMatrix {
  const rows = rowOf(index);
  for (const id of ids) {
    const row = rows.get(id);
    if (row === undefined) continue;
    rows.delete(id);
    index.ids[row] = REMOVED;
    if (index.memoryRows) index.memoryRows[row] = -1;
    index.rows.clear(row);
    index.removed = (index.removed ?? 0) + 1;
  }
  if ((index.removed ?? 0) <= index.ids.length * MAX_REMOVED_SHARE) return index;
  const live = index.ids.flatMap((id, row) => (id === REMOVED ? [] : [row]));
  const compacted = new UnitRows(index.dim, live.length);
  live.forEach((row, i) => compacted.copy(i, index.rows, row));
  return { ids: live.map((row) => index.ids[row]!), dim: index.dim, rows: compacted };
}

/** Rows of the index that hold a memory (gaps excluded). */
export const liveRows = (index: UnitMatrix): number => index.ids.length - (index.removed ?? 0);
