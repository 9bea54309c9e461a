/**
 * Waypoints are keyed by (src_id, dst_id) and carry the owner of src_id; a link is written
 * only when both ends are memories of the scope.
 */
import type { Waypoint } from '../../core/types.js';
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { decodeWaypoint } from '../rows.js';
import { userKey, type UserScope } from '../scope.js';
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

/**
 * Upserts the links whose both ends are the scope's (the last of duplicate pairs wins); returns
 * those written. `owns` answers which memories are the scope's where that is known already.
 */
export function* writeLinks(d: Dialect, scope: UserScope, links: readonly Link[], now: number, owns?: (id: string) => boolean): Op<Link[]> {
  if (links.length === 0) return [];
  let owned = owns;
  if (!owned) {
    const ids = yield* idsInScope(d, scope, links.flatMap((l) => [l.srcId, l.dstId]));
    owned = (id) => ids.has(id);
  }
  const unique = new Map<string, Link>();
  for (const l of links) {
    if (owned(l.srcId) && owned(l.dstId) && Number.isFinite(l.weight)) unique.set(linkKey(l), l);
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

/** What a user's recalls wrote: the salience updates applied (memories still in scope) and the links set. */
export interface RecallWritten {
  salience: SalienceUpdate[];
  links: Link[];
}

/**
 * The user's data as the writer's in-process model holds it. While the user's epoch is still the
 * model's, nothing else has written since: weights and owners can be taken from it instead of
 * being read again (writers of a user queue on the epoch row, so it stays so until the commit).
 */
export interface KnownState {
  readonly epoch: number;
  has(id: string): boolean;
  weight(srcId: string, dstId: string): number | undefined;
}

/**
 * A user's recalls, as if written one after another: salience updates (a later one of an id
 * wins), then each listed link set to its recall's weighing of the link's weight so far.
 */
function* recordRecall(d: Dialect, scope: UserScope, recalls: readonly RecallWrite[], now: number, known: KnownState | undefined): Op<RecallWritten> {
  const updates = new Map<string, SalienceUpdate>();
  for (const r of recalls) for (const u of r.salience) updates.set(u.id, u);
  const updated = new Set(yield* updateSalience(d, scope, [...updates.values()]));
  const salience = [...updates.values()].filter((u) => updated.has(u.id));
  const listed = recalls.flatMap((r) => r.links);
  if (listed.length === 0) return { salience, links: [] };
  const current = new Map<string, number | undefined>();
  if (known) for (const l of listed) current.set(linkKey(l), known.weight(l.srcId, l.dstId));
  else for (const w of yield* outgoingWaypoints(d, scope, listed.map((l) => l.srcId))) current.set(linkKey(w), w.weight);
  const weighed = new Map<string, Link>();
  for (const r of recalls) {
    for (const l of r.links) {
      const key = linkKey(l);
      const weight = r.weigh(l, current.get(key));
      if (weight === undefined) continue;
      current.set(key, weight);
      weighed.set(key, { ...l, weight });
    }
  }
  return { salience, links: yield* writeLinks(d, scope, [...weighed.values()], now, known && ((id) => known.has(id))) };
}

/**
 * Several users' recalls in one transaction, each user's journaled once. `known(scope)` is the
 * writer's model of the user, used when still current (see {@link KnownState}).
 */
export function recordRecalls(
  d: Dialect,
  items: ReadonlyArray<{ scope: UserScope; recall: RecallWrite }>,
  now: number,
  known: (scope: UserScope) => KnownState | undefined,
): Op<Array<Journaled<RecallWritten> & { scope: UserScope }>> {
  const byUser = new Map<string, { scope: UserScope; recalls: RecallWrite[] }>();
  for (const { scope, recall } of items) {
    const group = byUser.get(userKey(scope));
    if (group) group.recalls.push(recall);
    else byUser.set(userKey(scope), { scope, recalls: [recall] });
  }
  return journaledPerUser(
    d,
    [...byUser.values()],
    (g, from) => {
      const state = known(g.scope);
      return recordRecall(d, g.scope, g.recalls, now, state?.epoch === from ? state : undefined);
    },
    (w) => ({ rows: w.salience.map((u) => u.id), links: w.links.map((l) => l.srcId) }),
  );
}

/** Deletes the scope's links weaker than `minWeight`; returns the source of each (one per link). */
export function* pruneWaypoints(d: Dialect, scope: UserScope, minWeight: number): Op<string[]> {
  const { rows } = yield sql`DELETE FROM ${raw(d.tables.waypoints)} WHERE ${inScope(scope)} AND weight < ${minWeight} RETURNING src_id`;
  return rows.map((r) => String(r.src_id));
}
