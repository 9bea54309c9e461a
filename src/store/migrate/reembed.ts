/**
 * The upgrade's re-embedding of the vectors upstream OpenMemory wrote (`model` NULL, its
 * synthetic 256/768-dimension vectors): they live in another space than ours, so recall over
 * them is noise. (A change of `OM_EMBEDDINGS` later is the `openmemory reembed` command's job,
 * ../../engine/reembed.ts, which works per user through the Store interface.)
 *
 * Batched and resumable: each batch is one transaction that replaces the vectors (and mean
 * vector) of its memories; a memory leaves the "stale" set the moment its batch commits, so
 * an interrupted run simply continues where it stopped. The store layer does not embed: the
 * caller passes the function that turns texts into sector vectors (the engine's).
 */
import type { Sector, SectorVector } from '../../core/types.js';
import { isSector } from '../../core/types.js';
import { encodeVector } from '../codec.js';
import type { Dialect } from '../dialect.js';
import type { Driver, Op } from '../driver.js';
import { join, list, raw, sql } from '../sql.js';

export interface ReembedItem {
  text: string;
  sectors: readonly Sector[];
}

export interface Reembedded {
  vectors: SectorVector[];
  mean: Float32Array | null;
}

export interface ReembedOptions {
  /** The embedder id written into `vectors.model`. */
  model: string;
  embed: (items: readonly ReembedItem[]) => Promise<Reembedded[]>;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ReembedResult {
  memories: number;
  vectors: number;
}

interface Pending {
  id: string;
  userId: string | null;
  content: string;
  sectors: Sector[];
}

/** Vectors with no recorded model: upstream wrote them (ours always record theirs). */
const STALE = sql`v.model IS NULL`;

/** How many memories have at least one stale vector. */
export function* countStale(d: Dialect): Op<number> {
  const { rows } = yield sql`SELECT COUNT(*) AS n FROM ${raw(d.tables.memories)} m
    WHERE m.id IN (SELECT v.id FROM ${raw(d.tables.vectors)} v WHERE ${STALE})`;
  return Number(rows[0]?.n ?? 0);
}

/**
 * The next memories after `after` (in id order) with a stale vector, with the sectors they have
 * vectors in. Walking the primary key keeps each batch an index range, not a scan of all vectors.
 */
function* nextStale(d: Dialect, after: string | null, limit: number): Op<Pending[]> {
  const { rows } = yield sql`SELECT m.id, m.user_id, m.content FROM ${raw(d.tables.memories)} m
    WHERE ${after === null ? sql`1 = 1` : sql`m.id > ${after}`}
      AND EXISTS (SELECT 1 FROM ${raw(d.tables.vectors)} v WHERE v.id = m.id AND ${STALE})
    ORDER BY m.id LIMIT ${limit}`;
  if (rows.length === 0) return [];
  const ids = rows.map((r) => String(r.id));
  const { rows: sectorRows } = yield sql`SELECT id, sector FROM ${raw(d.tables.vectors)} WHERE id IN ${list(ids)} ORDER BY id, sector`;
  const sectors = new Map<string, Sector[]>();
  for (const r of sectorRows) {
    if (!isSector(r.sector)) continue;
    const key = String(r.id);
    sectors.set(key, [...(sectors.get(key) ?? []), r.sector]);
  }
  return rows.map((r) => ({
    id: String(r.id),
    userId: r.user_id === null || r.user_id === undefined ? null : String(r.user_id),
    content: String(r.content ?? ''),
    sectors: sectors.get(String(r.id)) ?? [],
  }));
}

/** Replaces the vectors of one batch; they carry `model`, so the batch leaves the stale set. */
function* writeBatch(d: Dialect, model: string, batch: readonly Pending[], results: readonly Reembedded[]): Op<number> {
  yield sql`DELETE FROM ${raw(d.tables.vectors)} WHERE id IN ${list(batch.map((p) => p.id))}`;
  const rows = batch.flatMap((p, i) =>
    (results[i]?.vectors ?? []).map((v) => list([p.id, v.sector, p.userId, encodeVector(v.vector), v.vector.length, model])),
  );
  if (rows.length > 0) {
    yield sql`INSERT INTO ${raw(d.tables.vectors)} (id, sector, user_id, v, dim, model) VALUES ${join(rows, ', ')}`;
  }
  for (const [i, p] of batch.entries()) {
    const mean = results[i]?.mean ?? null;
    yield sql`UPDATE ${raw(d.tables.memories)} SET mean_vec = ${mean === null ? null : encodeVector(mean)},
      mean_dim = ${mean === null ? null : mean.length} WHERE id = ${p.id}`;
  }
  return rows.length;
}

/** Re-embeds every stale memory, one transaction per batch. */
export async function reembedStale(driver: Driver, d: Dialect, o: ReembedOptions): Promise<ReembedResult> {
  const total = await driver.read(countStale(d));
  const batchSize = o.batchSize ?? 256;
  const result: ReembedResult = { memories: 0, vectors: 0 };
  o.onProgress?.(0, total);
  for (let after: string | null = null; ; ) {
    const batch: Pending[] = await driver.read(nextStale(d, after, batchSize));
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.id;
    // Vectors in a sector name that is no sector (upstream garbage) cannot be re-made; the memory still needs one to be found.
    const items = batch.map((p) => ({ text: p.content, sectors: p.sectors.length > 0 ? p.sectors : (['semantic'] as Sector[]) }));
    const embedded = await o.embed(items);
    result.vectors += await driver.write(writeBatch(d, o.model, batch, embedded));
    result.memories += batch.length;
    o.onProgress?.(result.memories, total);
  }
  return result;
}

/** An `onProgress` that emits one line per tenth of the work (long runs show where they are, logs stay short). */
export function progressLines(label: string, emit: (line: string) => void): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
    if (tenth === last) return;
    last = tenth;
    emit(`${label}: ${done}/${total} memories (${Math.floor(tenth * 10)}%)`);
  };
}
