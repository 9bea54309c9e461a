/** Operations that span users: jobs, CLI and admin routes only. */
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { decodeApiKey } from '../rows.js';
import { DEFAULT_USER_KEY, scopeFromUserKey, userKey, type UserScope } from '../scope.js';
import { chunks, join, list, raw, sql } from '../sql.js';
import type { ApiKeyRecord, EmbedLogEntry, ModelCount, SectorStat, StatRow } from '../store.js';
import { decodeSectorStats } from './users.js';

export function* adminListUsers(d: Dialect): Op<Array<string | null>> {
  const { rows } = yield sql`SELECT user_id AS k FROM ${raw(d.tables.users)}
    UNION SELECT COALESCE(user_id, ${DEFAULT_USER_KEY}) AS k FROM ${raw(d.tables.memories)} ORDER BY k`;
  return rows.map((r) => scopeFromUserKey(String(r.k)).userId);
}

export function* adminSectorStats(d: Dialect): Op<SectorStat[]> {
  const { rows } = yield sql`SELECT primary_sector AS sector, COUNT(*) AS n, AVG(salience) AS avg_salience
    FROM ${raw(d.tables.memories)} GROUP BY primary_sector ORDER BY n DESC, primary_sector`;
  return decodeSectorStats(rows);
}

/** The owner of memory `id` (null: the default user), or undefined when there is no such memory. */
export function* adminMemoryOwner(d: Dialect, id: string): Op<string | null | undefined> {
  if (!d.isMemoryId(id)) return undefined;
  const { rows } = yield sql`SELECT user_id FROM ${raw(d.tables.memories)} WHERE id = ${id}`;
  if (rows.length === 0) return undefined;
  const owner = rows[0]!.user_id;
  return owner === null || owner === undefined ? null : String(owner);
}

export function* adminCountMemories(d: Dialect): Op<number> {
  const { rows } = yield sql`SELECT COUNT(*) AS n FROM ${raw(d.tables.memories)}`;
  return Number(rows[0]?.n ?? 0);
}

export function* adminVectorModels(d: Dialect): Op<ModelCount[]> {
  const { rows } = yield sql`SELECT model, dim, COUNT(*) AS n FROM ${raw(d.tables.vectors)}
    GROUP BY model, dim ORDER BY n DESC, dim`;
  return rows.map((r) => ({
    model: r.model === null ? null : String(r.model),
    dim: Number(r.dim),
    vectors: Number(r.n),
  }));
}

const KEY_COLUMNS = raw('id, user_id, role, label, key_hash, created_at, revoked_at, last_used_at');

export function* adminCreateApiKey(d: Dialect, k: ApiKeyRecord): Op<void> {
  yield sql`INSERT INTO ${raw(d.tables.apiKeys)} (${KEY_COLUMNS})
    VALUES ${list([k.id, k.userKey, k.role, k.label, k.hash, k.createdAt, k.revokedAt, k.lastUsedAt])}`;
}

export function* adminFindApiKey(d: Dialect, hash: string): Op<ApiKeyRecord | null> {
  const { rows } = yield sql`SELECT ${KEY_COLUMNS} FROM ${raw(d.tables.apiKeys)} WHERE key_hash = ${hash}`;
  return rows[0] ? decodeApiKey(rows[0]) : null;
}

export function* adminListApiKeys(d: Dialect): Op<ApiKeyRecord[]> {
  const { rows } = yield sql`SELECT ${KEY_COLUMNS} FROM ${raw(d.tables.apiKeys)} ORDER BY created_at, id`;
  return rows.map(decodeApiKey);
}

/** True when the key exists; revoking twice keeps the first revocation time. */
export function* adminRevokeApiKey(d: Dialect, id: string, now: number): Op<boolean> {
  const { changes } =
    yield sql`UPDATE ${raw(d.tables.apiKeys)} SET revoked_at = COALESCE(revoked_at, ${now}) WHERE id = ${id}`;
  return changes > 0;
}

export function* adminTouchApiKey(d: Dialect, id: string, now: number): Op<void> {
  yield sql`UPDATE ${raw(d.tables.apiKeys)} SET last_used_at = ${now} WHERE id = ${id}`;
}

export function* writeEmbedLogs(d: Dialect, entries: readonly EmbedLogEntry[]): Op<void> {
  // One row per id (the last entry wins): an upsert may not touch the same row twice in one statement.
  const rows = [...new Map(entries.map((e) => [e.id, e])).values()].map((e) =>
    list([e.id, e.model, e.status, e.ts, e.err]),
  );
  for (const part of chunks(rows, Math.floor(d.capabilities.maxParams / 5))) {
    yield sql`INSERT INTO ${raw(d.tables.embedLogs)} (id, model, status, ts, err) VALUES ${join(part, ', ')}
      ON CONFLICT (id) DO UPDATE SET model = excluded.model, status = excluded.status, ts = excluded.ts, err = excluded.err`;
  }
}

/**
 * `stats` rows: `user_id` NULL for a job run over all users, else the user's key ('' = the
 * default user) for what a run or a request did to that user's memories.
 */
export function* recordStat(d: Dialect, scope: UserScope | null, type: string, count: number, ts: number): Op<void> {
  const user = scope && userKey(scope);
  yield sql`INSERT INTO ${raw(d.tables.stats)} (type, count, ts, user_id) VALUES (${type}, ${count}, ${ts}, ${user})`;
}

const statRows = (rows: Array<Record<string, unknown>>): StatRow[] =>
  rows.map((r) => ({ type: String(r.type), count: Number(r.count), ts: Number(r.ts) }));

export function* statsSince(d: Dialect, ts: number): Op<StatRow[]> {
  const { rows } = yield sql`SELECT type, count, ts FROM ${raw(d.tables.stats)}
    WHERE ts >= ${ts} AND user_id IS NULL ORDER BY ts, id`;
  return statRows(rows);
}

export function* userStatsSince(d: Dialect, scope: UserScope, ts: number): Op<StatRow[]> {
  const { rows } = yield sql`SELECT type, count, ts FROM ${raw(d.tables.stats)}
    WHERE user_id = ${userKey(scope)} AND ts >= ${ts} ORDER BY ts, id`;
  return statRows(rows);
}

export function* adminUserStatsSince(d: Dialect, ts: number): Op<StatRow[]> {
  const { rows } = yield sql`SELECT type, count, ts FROM ${raw(d.tables.stats)}
    WHERE ts >= ${ts} AND user_id IS NOT NULL ORDER BY ts, id`;
  return statRows(rows);
}
