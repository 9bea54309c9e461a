/**
 * Waypoints are keyed by (src_id, dst_id) and carry the owner of src_id; a link is written
 * only when both ends are memories of the scope.
 */
import type { Waypoint } from '../../core/types.js';
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { decodeWaypoint } from '../rows.js';
import { storedUserKey, userKey, type UserScope } from '../scope.js';
import { chunks, inScope, inScopeById, join, list, raw, sql } from '../sql.js';
import { idChunk, usableIds } from './memories.js';
import { linkKey } from '../store.js';

export interface Link {
  srcId: string;
  dstId: string;
  weight: number;
}

/** The owner (user key) of each of these memories that exists. */
export function* ownersOf(d: Dialect, ids: readonly string[]): Op<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const part of chunks(usableIds(d, ids), idChunk(d))) {
    const { rows } = yield sql`SELECT id, user_id FROM ${raw(d.tables.memories)} WHERE id IN ${list(part)}`;
    for (const r of rows) owners.set(String(r.id), storedUserKey(r.user_id));
  }
  return owners;
}

/**
 * Rows in one fixed order, so concurrent writers (two queries of one user reinforcing the same
 * links) lock them in the same order on PostgreSQL instead of deadlocking.
 */
function inLockOrder<L extends { link: Link }>(links: readonly L[]): L[] {
  const key = (l: L) => `${l.link.srcId}\u0000${l.link.dstId}`;
  return [...links].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** A link written for one user: both its ends are that user's memories (the caller has checked). */
export interface ScopedLink {
  scope: UserScope;
  link: Link;
}

/** Upserts links of one or more users, whose ends the caller has checked; the last of duplicate pairs wins. */
export function* upsertLinks(d: Dialect, links: readonly ScopedLink[], now: number): Op<void> {
  const unique = new Map<string, ScopedLink>();
  for (const l of links) if (Number.isFinite(l.link.weight)) unique.set(linkKey(l.link), l);
  // 6 values per row; stay under the backend's bound-parameter limit.
  for (const part of chunks(inLockOrder([...unique.values()]), Math.floor(d.capabilities.maxParams / 6))) {
    const rows = part.map(({ scope, link: l }) => list([l.srcId, l.dstId, scope.userId, l.weight, now, now]));
    yield sql`INSERT INTO ${raw(d.tables.waypoints)} (src_id, dst_id, user_id, weight, created_at, updated_at)
      VALUES ${join(rows, ', ')}
      ON CONFLICT (src_id, dst_id) DO UPDATE SET weight = excluded.weight, updated_at = excluded.updated_at`;
  }
}

/** Upserts the links whose both ends are the scope's (the last of duplicate pairs wins); returns those written. */
export function* writeLinks(d: Dialect, scope: UserScope, links: readonly Link[], now: number): Op<Link[]> {
  if (links.length === 0) return [];
  const owners = yield* ownersOf(
    d,
    links.flatMap((l) => [l.srcId, l.dstId]),
  );
  const owned = (id: string) => owners.get(id) === userKey(scope);
  const written = new Map<string, Link>();
  for (const l of links) if (owned(l.srcId) && owned(l.dstId) && Number.isFinite(l.weight)) written.set(linkKey(l), l);
  yield* upsertLinks(
    d,
    [...written.values()].map((link) => ({ scope, link })),
    now,
  );
  return [...written.values()];
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

/** Deletes the scope's links weaker than `minWeight`; returns the source of each (one per link). */
export function* pruneWaypoints(d: Dialect, scope: UserScope, minWeight: number): Op<string[]> {
  const { rows } =
    yield sql`DELETE FROM ${raw(d.tables.waypoints)} WHERE ${inScope(scope)} AND weight < ${minWeight} RETURNING src_id`;
  return rows.map((r) => String(r.src_id));
}
