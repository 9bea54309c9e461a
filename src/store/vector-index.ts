/**
 * In-process vector indexes, one per (user, sector, dimension): the user's vectors as a dense
 * matrix of unit rows, so a search is one pass of dot products with a bounded top-k.
 *
 * An index is valid only for the user's vector epoch it was built at. The epoch is a per-user
 * counter that database triggers bump in the same transaction as any change to that user's
 * vectors, so every process sharing the database sees a write at its next query: the caller
 * reads the epoch (one indexed row) before looking an index up, and rebuilds on a mismatch.
 * Indexes are keyed by user; no index ever holds another user's vectors.
 *
 * Small indexes are searched exactly; from {@link PARTITION_MIN_ROWS} rows on, a coarse
 * partition (./vector-partition.ts) limits a search to the rows near the query. This process's
 * own writes are applied in place (appended rows, removed rows left as gaps) instead of
 * reloading the user's vectors, which takes a second or more at 100,000 of them.
 */
import type { SectorMatrix, VectorHit } from './store.js';
import { RowBuffer } from './row-buffer.js';
import { dotAt, normalizeRows } from './row-math.js';
import { assignRows, buildPartition, probeRows, type Partition } from './vector-partition.js';

/** Below this many rows a search scans them all (exact); at and above, it probes a partition. */
export const PARTITION_MIN_ROWS = 4096;

export interface UnitMatrix {
  /** One per row; `ids.length` is the number of rows. */
  ids: string[];
  dim: number;
  /** Unit vectors (zero rows stay zero); may hold spare capacity beyond the rows. */
  rows: RowBuffer;
  partition?: Partition;
  /** The last partition build started for this index (tests wait for it). */
  partitioned?: Promise<void>;
  /** Row of each id, built on first lookup by id and kept up to date by appends. */
  rowOf?: Map<string, number>;
  /** Rows whose memory is gone: their id is {@link REMOVED} and their vector zero. */
  removed?: number;
}

/** The id of a removed row (no memory id is empty). */
const REMOVED = '';
/** Past this share of removed rows an index is dropped, to be loaded afresh when next used. */
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
  const rows = new RowBuffer(dim, ids.length);
  rows.data.set(m.data.subarray(0, ids.length * dim));
  normalizeRows(rows.data, dim, 0, ids.length);
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
    index.partitioned = buildPartition(() => index.rows.data, index.dim, n)
      .then((p) => {
        assignRows(p, index.rows.data, p.builtAt, index.ids.length);
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

function unit(query: Float32Array): Float32Array {
  const q = new Float32Array(query.length);
  const norm = Math.sqrt(dotAt(query, 0, query, query.length));
  if (norm > 0) for (let j = 0; j < q.length; j++) q[j] = query[j]! / norm;
  return q;
}

/** Cosine of the query with the rows of the given ids; ids without a row are left out. */
export function similaritiesOf(index: UnitMatrix, query: Float32Array, ids: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (query.length !== index.dim || index.ids.length === 0) return out;
  const rows = rowOf(index);
  const q = unit(query);
  for (const id of ids) {
    const row = rows.get(id);
    if (row !== undefined) out.set(id, dotAt(index.rows.data, row * index.dim, q, index.dim));
  }
  return out;
}

/** Cosine top-k: rows are unit vectors, so cosine is the dot product with the unit query. Exact below {@link PARTITION_MIN_ROWS} rows. */
export function searchUnitMatrix(index: UnitMatrix, query: Float32Array, k: number): VectorHit[] {
  const { ids, dim } = index;
  const n = ids.length;
  if (k <= 0 || query.length !== dim || n === 0) return [];
  const q = unit(query);
  const partition = partitionOf(index);
  const scanned = partition ? probeRows(partition, q, k) : null;
  const dots = scanned ? index.rows.dotsAt(q, scanned) : index.rows.dots(q, n);
  // Kept sorted best first; a row enters only when it beats the current k-th.
  const keep = Math.min(k, dots.length);
  if (keep === 0) return [];
  const rows = new Int32Array(keep);
  const sims = new Float64Array(keep).fill(-Infinity);
  for (let s = 0; s < dots.length; s++) {
    const i = scanned ? scanned[s]! : s;
    const dot = dots[s]!;
    if (ids[i] === REMOVED || dot < sims[keep - 1]! || (dot === sims[keep - 1]! && ids[i]! >= ids[rows[keep - 1]!]!)) continue;
    let p = keep - 1;
    while (p > 0 && (dot > sims[p - 1]! || (dot === sims[p - 1]! && ids[i]! < ids[rows[p - 1]!]!))) {
      sims[p] = sims[p - 1]!;
      rows[p] = rows[p - 1]!;
      p--;
    }
    sims[p] = dot;
    rows[p] = i;
  }
  const hits: VectorHit[] = [];
  for (let p = 0; p < keep && sims[p]! > -Infinity; p++) hits.push({ id: ids[rows[p]!]!, similarity: sims[p]! });
  return hits;
}

interface UserIndexes {
  epoch: number;
  /** Key: `sector dim`. */
  bySector: Map<string, UnitMatrix>;
  bytes: number;
}

const sectorKey = (sector: string, dim: number) => `${sector} ${dim}`;

/**
 * Appends rows in place, growing the buffer by doubling: copying the whole matrix for every
 * added memory would make loading a large user quadratic. Returns the bytes the buffer grew by.
 */
function appendRows(index: UnitMatrix, rows: ReadonlyArray<{ id: string; vector: Float32Array }>): number {
  const { dim } = index;
  const from = index.ids.length;
  const to = from + rows.length;
  const before = index.rows.bytes;
  index.rows.reserve(to);
  const data = index.rows.data;
  rows.forEach((r, i) => data.set(r.vector, (from + i) * dim));
  normalizeRows(data, dim, from, to);
  for (const r of rows) {
    index.ids.push(r.id);
    index.rowOf?.set(r.id, index.ids.length - 1);
  }
  if (index.partition) assignRows(index.partition, data, from, to);
  return index.rows.bytes - before;
}

/** Leaves the rows of these ids as gaps (their partition lists keep them; searches skip them). */
function removeRows(index: UnitMatrix, ids: readonly string[]): void {
  const rows = rowOf(index);
  for (const id of ids) {
    const row = rows.get(id);
    if (row === undefined) continue;
    rows.delete(id);
    index.ids[row] = REMOVED;
    index.rows.data.fill(0, row * index.dim, (row + 1) * index.dim);
    index.removed = (index.removed ?? 0) + 1;
  }
}

/** What one of this process's transactions changed in a user's vectors. */
export interface VectorChange {
  /** Memories whose vectors are all gone (deleted, or replaced by `added`). */
  removed?: readonly string[];
  added?: ReadonlyArray<{ id: string; sector: string; vector: Float32Array }>;
}

/** Per-user indexes at one epoch; least recently used users are dropped beyond the byte budget. */
export class VectorIndexCache {
  readonly #users = new Map<string, UserIndexes>();
  #bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  /** The user's index for the sector and dimension, if one was built at exactly this epoch. */
  get(userKey: string, epoch: number, sector: string, dim: number): UnitMatrix | undefined {
    const u = this.#users.get(userKey);
    if (!u) return undefined;
    if (u.epoch !== epoch) {
      this.#drop(userKey);
      return undefined;
    }
    this.#users.delete(userKey);
    this.#users.set(userKey, u);
    return u.bySector.get(sectorKey(sector, dim));
  }

  set(userKey: string, epoch: number, sector: string, index: UnitMatrix): void {
    let u = this.#users.get(userKey);
    if (u && u.epoch !== epoch) {
      // Built from an older or newer snapshot than the cached siblings: keep only the newer epoch.
      if (u.epoch > epoch) return;
      this.#drop(userKey);
      u = undefined;
    }
    if (!u) {
      u = { epoch, bySector: new Map(), bytes: 0 };
      this.#users.set(userKey, u);
    }
    const key = sectorKey(sector, index.dim);
    this.#resize(u, -(u.bySector.get(key)?.rows.bytes ?? 0) + index.rows.bytes);
    u.bySector.set(key, index);
    this.#evict();
  }

  /**
   * Applies a change this process made in a transaction that moved the user's epoch from `from`
   * to `to`: indexes built at `from` stay exact once rows are removed and appended. Any other
   * cached epoch means someone else wrote too, so those indexes are dropped.
   */
  apply(userKey: string, from: number, to: number, change: VectorChange): void {
    const u = this.#users.get(userKey);
    if (!u) return;
    if (u.epoch !== from) return this.#drop(userKey);
    for (const [key, index] of u.bySector) {
      if (change.removed?.length) removeRows(index, change.removed);
      if ((index.removed ?? 0) > index.ids.length * MAX_REMOVED_SHARE) {
        this.#resize(u, -index.rows.bytes);
        u.bySector.delete(key);
        continue;
      }
      const added = change.added?.filter((r) => sectorKey(r.sector, r.vector.length) === key) ?? [];
      if (added.length > 0) this.#resize(u, appendRows(index, added));
    }
    u.epoch = to;
    this.#evict();
  }

  #resize(u: UserIndexes, delta: number): void {
    u.bytes += delta;
    this.#bytes += delta;
  }

  #drop(userKey: string): void {
    const u = this.#users.get(userKey);
    if (!u) return;
    this.#bytes -= u.bytes;
    this.#users.delete(userKey);
  }

  #evict(): void {
    for (const key of this.#users.keys()) {
      if (this.#bytes <= this.budgetBytes) break;
      this.#drop(key);
    }
  }
}
