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
import { chunks, count, inScope, list, raw, sql } from '../sql.js';
import type { StaleMemory, StaleQuery, VectorReplacement } from '../store.js';
import { idChunk } from './memories.js';
import { insertVectors } from './vectors.js';

export function* staleMemories(d: Dialect, scope: UserScope, q: StaleQuery): Op<StaleMemory[]> {
  if (q.afterId !== undefined && !d.isMemoryId(q.afterId)) return [];
  const vectors = raw(d.tables.vectors);
  const { rows } = yield sql`SELECT m.id AS id, m.primary_sector AS primary_sector FROM ${raw(d.tables.memories)} m
    WHERE ${inScope(scope, 'm.user_id')}
      ${q.sector === undefined ? raw('') : sql`AND m.primary_sector = ${q.sector}`}
      ${q.afterId === undefined ? raw('') : sql`AND m.id > ${d.memoryIdValue(q.afterId)}`}
      AND (NOT EXISTS (SELECT 1 FROM ${vectors} v WHERE v.id = m.id AND ${inScope(scope, 'v.user_id')})
        OR EXISTS (SELECT 1 FROM ${vectors} v WHERE v.id = m.id AND ${inScope(scope, 'v.user_id')}
          AND (v.model IS NULL OR v.model <> ${q.model} OR v.dim <> ${q.dim})))
    ORDER BY m.id LIMIT ${count(q.limit)}`;
  const out: StaleMemory[] = rows.map((r) => ({ id: String(r.id), primarySector: String(r.primary_sector), sectors: [] }));
  const byId = new Map(out.map((m) => [m.id, m]));
  for (const part of chunks([...byId.keys()], idChunk(d))) {
    const { rows: sectorRows } = yield sql`SELECT id, sector FROM ${vectors}
      WHERE ${inScope(scope)} AND id IN ${list(part)} ORDER BY id, sector`;
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
  for (const part of chunks(written.map((w) => w.id), idChunk(d))) {
    yield sql`DELETE FROM ${raw(d.tables.vectors)} WHERE ${inScope(scope)} AND id IN ${list(part)}`;
  }
  yield* insertVectors(d, scope, written);
  return written.map((w) => w.id);
}
