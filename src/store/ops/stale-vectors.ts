/**
 * Re-embedding's reads and writes, per user: find memories whose vectors another embedder
 * wrote (or that have none) without loading any vector, and replace a batch of them in one
 * transaction, each only if the memory is unchanged since it was read (same `updated_at`), so
 * an edit made meanwhile by someone else is never overwritten.
 */
import { isSector } from '../../core/types.js';
import { encodeVector } from '../codec.js';
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import type { UserScope } from '../scope.js';
import { chunks, count, inScope, inScopeById, join, list, raw, sameUser, sql, type Stmt } from '../sql.js';
import type { AdminStaleMemory, StaleQuery, VectorReplacement } from '../store.js';
import { journaledPerUser, type Journaled } from './journal.js';
import { idChunk } from './memories.js';

/** Whose memories: one user's, or every user's (admin runs, one walk instead of one per user). */
type Owners = UserScope | 'all';

/**
 * `m` belongs to the owners. `indexed`: through the user index (counting, no order); otherwise an
 * expression the primary-key walk of a page evaluates row by row (see inScopeById).
 */
function memoryOwned(owners: Owners, indexed: boolean): Stmt {
  if (owners === 'all') return sql`1 = 1`;
  return indexed ? inScope(owners, 'm.user_id') : inScopeById(owners, 'm.user_id');
}

/** Vector `v` of memory `m` belongs to the owners (and so to `m`'s user). */
function vectorOwned(owners: Owners): Stmt {
  return owners === 'all' ? sql`${raw(sameUser('v.user_id', 'm.user_id'))}` : inScopeById(owners, 'v.user_id');
}

type Selection = Omit<StaleQuery, 'afterId' | 'limit'>;

function staleVectors(d: Dialect, owners: Owners, q: Selection): Stmt {
  const vectors = raw(d.tables.vectors);
  const other = q.upstreamOnly
    ? sql`v.model IS NULL`
    : sql`(v.model IS NULL OR v.model <> ${q.model} OR v.dim <> ${q.dim})`;
  return sql`(NOT EXISTS (SELECT 1 FROM ${vectors} v WHERE v.id = m.id AND ${vectorOwned(owners)})
    OR EXISTS (SELECT 1 FROM ${vectors} v WHERE v.id = m.id AND ${vectorOwned(owners)} AND ${other}))`;
}

function staleWhere(d: Dialect, owners: Owners, q: Selection, indexed: boolean): Stmt {
  return sql`${memoryOwned(owners, indexed)}
    ${q.sector === undefined ? raw('') : sql`AND m.primary_sector = ${q.sector}`}
    AND ${staleVectors(d, owners, q)}`;
}

export function* countStaleMemories(d: Dialect, owners: Owners, q: Selection): Op<number> {
  const { rows } =
    yield sql`SELECT COUNT(*) AS n FROM ${raw(d.tables.memories)} m WHERE ${staleWhere(d, owners, q, true)}`;
  return Number(rows[0]?.n ?? 0);
}

/** Where a walk continues after memory `afterId`; in storage order, nothing follows an unknown (or deleted) memory. */
function after(d: Dialect, afterId: string | undefined): Stmt {
  if (afterId === undefined) return sql``;
  if (d.storageOrder === undefined) return sql`AND m.id > ${d.memoryIdValue(afterId)}`;
  const key = raw(d.storageOrder);
  const memories = raw(d.tables.memories);
  return sql`AND m.${key} > COALESCE((SELECT ${key} FROM ${memories} WHERE id = ${afterId}), (SELECT MAX(${key}) FROM ${memories}))`;
}

export function* staleMemories(d: Dialect, owners: Owners, q: StaleQuery): Op<AdminStaleMemory[]> {
  if (q.afterId !== undefined && !d.isMemoryId(q.afterId)) return [];
  // Walks the primary key (or the storage order) from `afterId`: through the user index, every page would sort all the user's memories.
  const { rows } =
    yield sql`SELECT m.id AS id, m.user_id AS user_id, m.primary_sector AS primary_sector, m.content AS content,
      m.updated_at AS updated_at
    FROM ${raw(d.tables.memories)} m
    WHERE ${staleWhere(d, owners, q, false)} ${after(d, q.afterId)}
    ORDER BY m.${raw(d.storageOrder ?? 'id')} LIMIT ${count(q.limit)}`;
  const out: AdminStaleMemory[] = rows.map((r) => ({
    id: String(r.id),
    userId: r.user_id === null || r.user_id === undefined ? null : String(r.user_id),
    primarySector: String(r.primary_sector),
    sectors: [],
    content: String(r.content ?? ''),
    updatedAt: Number(r.updated_at),
  }));
  const byId = new Map(out.map((m) => [m.id, m]));
  for (const part of chunks([...byId.keys()], idChunk(d))) {
    const { rows: sectorRows } = yield sql`SELECT v.id, v.sector FROM ${raw(d.tables.vectors)} v
      JOIN ${raw(d.tables.memories)} m ON m.id = v.id
      WHERE v.id IN ${list(part)} AND ${vectorOwned(owners)} ORDER BY v.id, v.sector`;
    for (const r of sectorRows) if (isSector(r.sector)) byId.get(String(r.id))?.sectors.push(r.sector);
  }
  return out;
}

export function* replaceVectors(d: Dialect, scope: UserScope, items: readonly VectorReplacement[]): Op<string[]> {
  const written: VectorReplacement[] = [];
  for (const item of items) {
    if (!d.isMemoryId(item.id)) continue;
    const mean = item.meanVec;
    const { changes } = yield sql`UPDATE ${raw(d.tables.memories)}
      SET mean_vec = ${mean === null ? null : encodeVector(mean)}, mean_dim = ${mean === null ? null : mean.length}
      WHERE id = ${item.id} AND ${inScope(scope)} AND updated_at = ${item.expectedUpdatedAt}`;
    if (changes > 0) written.push(item);
  }
  // Overwritten in place where the sector had a vector: the keys stay, so no index entry moves
  // (an upgrade rewrites every vector; delete-and-insert costed it three index updates each).
  const rows = written.flatMap(({ id, vectors }) =>
    vectors.map((v) => list([id, v.sector, scope.userId, encodeVector(v.vector), v.vector.length, v.model])),
  );
  for (const part of chunks(rows, Math.floor(d.capabilities.maxParams / 6))) {
    yield sql`INSERT INTO ${raw(d.tables.vectors)} (id, sector, user_id, v, dim, model) VALUES ${join(part, ', ')}
      ON CONFLICT (id, sector) DO UPDATE SET v = excluded.v, dim = excluded.dim, model = excluded.model`;
  }
  // Sectors that got no new vector (names upstream garbage wrote) would keep an old one.
  for (const { id, vectors } of written) {
    yield sql`DELETE FROM ${raw(d.tables.vectors)} WHERE id = ${id} AND ${inScopeById(scope)}
      AND sector NOT IN ${list(vectors.map((v) => v.sector))}`;
  }
  return written.map((w) => w.id);
}

/** Several users' replacements in one transaction: a page of an admin walk shares storage pages across users. */
export function replaceVectorsOfUsers(
  d: Dialect,
  groups: ReadonlyArray<{ scope: UserScope; items: readonly VectorReplacement[] }>,
): Op<Array<Journaled<string[]> & { scope: UserScope }>> {
  return journaledPerUser(
    d,
    groups,
    (g) => replaceVectors(d, g.scope, g.items),
    (ids) => ({ vectors: ids }),
  );
}
