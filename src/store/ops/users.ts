/** Per-user rows (`users`), per-user statistics and erasure of one user. */
import type { UserRecord } from '../../core/types.js';
import type { Dialect } from '../dialect.js';
import type { Op, Row } from '../driver.js';
import { scopeFromUserKey, userKey, type UserScope } from '../scope.js';
import { journaled, type Journaled } from './journal.js';
import { inScope, raw, sql } from '../sql.js';
import type { DeletedCounts, SectorStat, UserStats } from '../store.js';
import { deleteUserFacts } from './temporal.js';

const DAY_MS = 86_400_000;

function decodeUser(r: Row): UserRecord {
  return {
    userId: scopeFromUserKey(String(r.user_id)).userId,
    summary: r.summary === null ? null : String(r.summary),
    reflectionCount: Number(r.reflection_count ?? 0),
    createdAt: Number(r.created_at ?? 0),
    updatedAt: Number(r.updated_at ?? 0),
  };
}

export function* getUser(d: Dialect, scope: UserScope): Op<UserRecord | null> {
  const { rows } = yield sql`SELECT user_id, summary, reflection_count, created_at, updated_at
    FROM ${raw(d.tables.users)} WHERE user_id = ${userKey(scope)}`;
  return rows[0] ? decodeUser(rows[0]) : null;
}

export function* saveUserSummary(
  d: Dialect,
  scope: UserScope,
  summary: string,
  increment: number,
  now: number,
): Op<UserRecord> {
  yield sql`INSERT INTO ${raw(d.tables.users)} AS u (user_id, summary, reflection_count, created_at, updated_at)
    VALUES (${userKey(scope)}, ${summary}, ${increment}, ${now}, ${now})
    ON CONFLICT (user_id) DO UPDATE SET summary = excluded.summary,
      reflection_count = COALESCE(u.reflection_count, 0) + excluded.reflection_count, updated_at = excluded.updated_at`;
  const user = yield* getUser(d, scope);
  return user!;
}

export function decodeSectorStats(rows: Row[]): SectorStat[] {
  return rows.map((r) => ({ sector: String(r.sector), count: Number(r.n), avgSalience: Number(r.avg_salience ?? 0) }));
}

export function* userStats(d: Dialect, scope: UserScope): Op<UserStats> {
  const t = d.tables;
  const { rows: sectors } = yield sql`SELECT primary_sector AS sector, COUNT(*) AS n, AVG(salience) AS avg_salience
    FROM ${raw(t.memories)} WHERE ${inScope(scope)} GROUP BY primary_sector ORDER BY n DESC, primary_sector`;
  const { rows } = yield sql`SELECT
      (SELECT COUNT(*) FROM ${raw(t.memories)} WHERE ${inScope(scope)}) AS memories,
      (SELECT COUNT(*) FROM ${raw(t.vectors)} WHERE ${inScope(scope)}) AS vectors,
      (SELECT COUNT(*) FROM ${raw(t.waypoints)} WHERE ${inScope(scope)}) AS waypoints,
      (SELECT AVG(salience) FROM ${raw(t.memories)} WHERE ${inScope(scope)}) AS avg_salience,
      (SELECT COUNT(*) FROM ${raw(t.memories)} WHERE ${inScope(scope)} AND created_at >= ${Date.now() - DAY_MS}) AS recent,
      (SELECT MAX(created_at) FROM ${raw(t.memories)} WHERE ${inScope(scope)}) AS last_created`;
  const r = rows[0] ?? {};
  return {
    memories: Number(r.memories ?? 0),
    vectors: Number(r.vectors ?? 0),
    waypoints: Number(r.waypoints ?? 0),
    sectors: decodeSectorStats(sectors),
    avgSalience: Number(r.avg_salience ?? 0),
    createdLast24h: Number(r.recent ?? 0),
    lastCreatedAt: r.last_created === null || r.last_created === undefined ? null : Number(r.last_created),
  };
}

function* deleteUserRows(d: Dialect, scope: UserScope): Op<DeletedCounts> {
  const t = d.tables;
  const key = userKey(scope);
  // Embed logs are keyed by memory id alone (v1.2), so they go while the memories still say whose they are.
  const embedLogs = (yield sql`DELETE FROM ${raw(t.embedLogs)}
    WHERE id IN (SELECT CAST(id AS TEXT) FROM ${raw(t.memories)} WHERE ${inScope(scope)})`).changes;
  const waypoints = (yield sql`DELETE FROM ${raw(t.waypoints)} WHERE ${inScope(scope)}`).changes;
  const vectors = (yield sql`DELETE FROM ${raw(t.vectors)} WHERE ${inScope(scope)}`).changes;
  const memories = (yield sql`DELETE FROM ${raw(t.memories)} WHERE ${inScope(scope)}`).changes;
  const users = (yield sql`DELETE FROM ${raw(t.users)} WHERE user_id = ${key}`).changes;
  // Admin keys have no user (NULL), so only keys acting as this user match.
  const apiKeys = (yield sql`DELETE FROM ${raw(t.apiKeys)} WHERE user_id = ${key}`).changes;
  yield sql`DELETE FROM ${raw(t.stats)} WHERE user_id = ${key}`;
  yield sql`DELETE FROM ${raw(t.memoryHistory)} WHERE ${inScope(scope)}`;
  const facts = yield* deleteUserFacts(d, scope);
  return { memories, vectors, waypoints, users, apiKeys, embedLogs, facts };
}

/**
 * The user's rows, journaled as "everything changed" so that every process drops its model, then
 * the user's journal entries, the erase's own included: they name the user's memory ids, and a
 * process finding none after its model's epoch loads the user afresh (finding nobody).
 */
export function* eraseUser(d: Dialect, scope: UserScope): Op<Journaled<DeletedCounts>> {
  const done = yield* journaled(
    d,
    scope,
    () => deleteUserRows(d, scope),
    () => ({ all: true }),
  );
  yield sql`DELETE FROM ${raw(d.tables.userJournal)} WHERE user_key = ${userKey(scope)}`;
  return done;
}
