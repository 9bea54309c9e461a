/**
 * Waypoints are keyed by (src_id, dst_id) and carry the owner of src_id; a link is written
 * only when both ends are memories of the scope.
 */
import type { Waypoint } from '../../core/types.js';
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { decodeWaypoint } from '../rows.js';
import type { UserScope } from '../scope.js';
import { chunks, inScope, inScopeById, join, list, raw, sql } from '../sql.js';
import { journaledPerUser, type Journaled } from './journal.js';
import { idChunk, updateSalience, usableIds } from './memories.js';
import { linkKey, type RecallWrite, type SalienceUpdate } from '../store.js';

interface Link {
  srcId: string;
  dstId: string;
  weight: number;
}

function* idsInScope(d: Dialect, scope: UserScope, ids: readonly string[]): Op<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(usableIds(d, ids), idChunk(d))) {
    const { rows } = yield sql`SELECT id FROM ${raw(d.tables.memories)} WHERE id IN ${list(part)} AND ${inScopeById(scope)}`;
    for (const r of rows) found.add(String(r.id));
  }
  return found;
}

/**
 * Rows in one fixed order, so concurrent writers (two queries of one user reinforcing the same
 * links) lock them in the same order on PostgreSQL instead of deadlocking.
 */
function inLockOrder<L extends { srcId: string; dstId: string }>(links: readonly L[]): L[] {
  return [...links].sort((a, b) => (a.srcId === b.srcId ? (a.dstId < b.dstId ? -1 : a.dstId > b.dstId ? 1 : 0) : a.srcId < b.srcId ? -1 : 1));
}

/** Upserts the links whose both ends are the scope's (the last of duplicate pairs wins); returns those written. */
export function* writeLinks(d: Dialect, scope: UserScope, links: readonly Link[], now: number): Op<Link[]> {
  if (links.length === 0) return [];
  const owned = yield* idsInScope(d, scope, links.flatMap((l) => [l.srcId, l.dstId]));
  const unique = new Map<string, Link>();
  for (const l of links) {
    if (owned.has(l.srcId) && owned.has(l.dstId) && Number.isFinite(l.weight)) unique.set(linkKey(l), l);
  }
  // 6 values per row; stay under the backend's bound-parameter limit.
  for (const part of chunks(inLockOrder([...unique.values()]), Math.floor(d.capabilities.maxParams / 6))) {
    const rows = part.map((l) => list([l.srcId, l.dstId, scope.userId, l.weight, now, now]));
    yield sql`INSERT INTO ${raw(d.tables.waypoints)} (src_id, dst_id, user_id, weight, created_at, updated_at)
      VALUES ${join(rows, ', ')}
      ON CONFLICT (src_id, dst_id) DO UPDATE SET weight = excluded.weight, updated_at = excluded.updated_at`;
  }
  return [...unique.values()];
}

export function* outgoingWaypoints(d: Dialect, scope: UserScope, srcIds: readonly string[]): Op<Waypoint[]> {
  const out: Waypoint[] = [];
  for (const part of chunks([...new Set(srcIds)], idChunk(d))) {
    const { rows } = yield sql`SELECT src_id, dst_id, weight, created_at, updated_at FROM ${raw(d.tables.waypoints)}
      WHERE src_id IN ${list(part)} AND ${inScopeById(scope)}`;
    out.push(...rows.map(decodeWaypoint));
  }
  return out.sort((a, b) => b.weight - a.weight || a.srcId.localeCompare(b.srcId) || a.dstId.localeCompare(b.dstId));
}

/** What a recall wrote: the salience updates applied (memories still in scope) and the links set. */
export interface RecallWritten {
  salience: SalienceUpdate[];
  links: Link[];
}

/** The recall's salience updates, then its links weighed from their current weights (see Store.recordRecalls). */
function* recordRecall(d: Dialect, scope: UserScope, recall: RecallWrite, now: number): Op<RecallWritten> {
  const updated = new Set(yield* updateSalience(d, scope, recall.salience));
  const salience = recall.salience.filter((u) => updated.has(u.id));
  if (recall.links.length === 0) return { salience, links: [] };
  const current = new Map((yield* outgoingWaypoints(d, scope, recall.links.map((l) => l.srcId))).map((w) => [linkKey(w), w.weight]));
  const weighed = recall.links.map((l) => ({ ...l, weight: recall.weigh(l, current.get(linkKey(l))) }));
  return { salience, links: yield* writeLinks(d, scope, weighed.filter((l): l is Link => l.weight !== undefined), now) };
}

/** Deletes the scope's links weaker than `minWeight`; returns the source of each (one per link). */
export function* pruneWaypoints(d: Dialect, scope: UserScope, minWeight: number): Op<string[]> {
  const { rows } = yield sql`DELETE FROM ${raw(d.tables.waypoints)} WHERE ${inScope(scope)} AND weight < ${minWeight} RETURNING src_id`;
  return rows.map((r) => String(r.src_id));
}

/** Several recalls (of one or more users) in one transaction, each journaled under its user. */
export function recordRecalls(
  d: Dialect,
  items: ReadonlyArray<{ scope: UserScope; recall: RecallWrite }>,
  now: number,
): Op<Array<Journaled<RecallWritten> & { scope: UserScope }>> {
  return journaledPerUser(d, items, (i) => recordRecall(d, i.scope, i.recall, now), (w) => ({ rows: w.salience.map((u) => u.id), links: w.links.map((l) => l.srcId) }));
}
