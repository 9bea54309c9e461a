/**
 * What an in-process user model (../cache) is built from: all of a user's memories (without
 * their mean vectors), vectors and links, or just those a journal entry names.
 */
import type { SectorVector, Waypoint } from '../../core/types.js';
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import {
  decodeRecallMemory,
  decodeSectorVector,
  decodeWaypoint,
  MEMORY_COLUMNS,
  memoryValues,
  RECALL_COLUMNS,
} from '../rows.js';
import type { UserScope } from '../scope.js';
import { chunks, inScope, inScopeById, list, raw, sql, type Stmt } from '../sql.js';
import type { NewMemory, RecallRow } from '../store.js';
import type { Change } from './journal.js';
import { readEpoch } from './journal.js';
import { idChunk, usableIds } from './memories.js';

export interface ModelVector extends SectorVector {
  id: string;
}

/** A link as a model keeps it. */
export type ModelLink = Pick<Waypoint, 'srcId' | 'dstId' | 'weight'>;

export interface ModelData {
  rows: RecallRow[];
  vectors: ModelVector[];
  links: ModelLink[];
}

const COLS = raw(RECALL_COLUMNS.join(', '));

function vectorsOf(rows: ReadonlyArray<Record<string, unknown>>): ModelVector[] {
  const out: ModelVector[] = [];
  for (const r of rows) {
    const v = decodeSectorVector(r);
    if (v) out.push({ id: String(r.id), ...v });
  }
  return out;
}

/** Every memory, vector and link of the user, read after the epoch they are at least as new as. */
export function* loadModelData(d: Dialect, scope: UserScope): Op<ModelData & { epoch: number }> {
  const epoch = yield* readEpoch(d, scope);
  const order = raw(d.storageOrder ?? 'id');
  const rows = (yield sql`SELECT ${COLS} FROM ${raw(d.tables.memories)} WHERE ${inScope(scope)} ORDER BY ${order}`)
    .rows;
  const vectors =
    (yield sql`SELECT id, sector, v, model FROM ${raw(d.tables.vectors)} WHERE ${inScope(scope)} ORDER BY ${order}`)
      .rows;
  const links =
    (yield sql`SELECT src_id, dst_id, weight, created_at, updated_at FROM ${raw(d.tables.waypoints)} WHERE ${inScope(scope)}`)
      .rows;
  return { epoch, rows: rows.map(decodeRecallMemory), vectors: vectorsOf(vectors), links: links.map(decodeWaypoint) };
}

function* byIds(
  d: Dialect,
  ids: readonly string[] | undefined,
  select: (part: string[]) => Stmt,
): Op<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (const part of chunks(usableIds(d, ids ?? []), idChunk(d))) out.push(...(yield select(part)).rows);
  return out;
}

/**
 * The state of memories just inserted, from what was written instead of read back (three round
 * trips of a single add on PostgreSQL): each row decoded from the values it was stored as, so a
 * model holds what a reader of the store would.
 */
export function insertedData(scope: UserScope, items: readonly NewMemory[], links: readonly ModelLink[]): ModelData {
  return {
    rows: items.map(({ memory }) => {
      // Without the mean vector: a model does not hold it, so it is not encoded for nothing.
      const values = memoryValues({ ...memory, meanVec: null }, scope.userId);
      return decodeRecallMemory(Object.fromEntries(MEMORY_COLUMNS.map((column, i) => [column, values[i]])));
    }),
    vectors: items.flatMap(({ memory, vectors }) => vectors.map((v) => ({ id: memory.id, ...v }))),
    links: [...links],
  };
}

/** The current state of the memories a change names; a memory missing here is gone. */
export function* loadChanged(d: Dialect, scope: UserScope, change: Change): Op<ModelData> {
  const t = d.tables;
  const rows = yield* byIds(
    d,
    change.rows,
    (part) => sql`SELECT ${COLS} FROM ${raw(t.memories)} WHERE id IN ${list(part)} AND ${inScopeById(scope)}`,
  );
  const vectors = yield* byIds(
    d,
    change.vectors,
    (part) =>
      sql`SELECT id, sector, v, model FROM ${raw(t.vectors)} WHERE id IN ${list(part)} AND ${inScopeById(scope)}`,
  );
  const links = yield* byIds(
    d,
    change.links,
    (part) =>
      sql`SELECT src_id, dst_id, weight, created_at, updated_at FROM ${raw(t.waypoints)} WHERE src_id IN ${list(part)} AND ${inScopeById(scope)}`,
  );
  return { rows: rows.map(decodeRecallMemory), vectors: vectorsOf(vectors), links: links.map(decodeWaypoint) };
}
