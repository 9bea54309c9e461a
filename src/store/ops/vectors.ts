/** Vector operations: rows of `vectors` carry their memory's user, so every read filters on it. */
import type { Sector, SectorVector } from '../../core/types.js';
import { decodeVector, encodeVector } from '../codec.js';
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { decodeSectorVector } from '../rows.js';
import type { UserScope } from '../scope.js';
import { chunks, inScope, inScopeById, join, list, raw, sql } from '../sql.js';
import type { SectorMatrix } from '../store.js';
import { idChunk, usableIds } from './memories.js';

const VECTOR_COLUMNS = 6;

/** Inserts the vectors of several memories, as few statements as the parameter limit allows. */
export function* insertVectors(
  d: Dialect,
  scope: UserScope,
  entries: ReadonlyArray<{ id: string; vectors: readonly SectorVector[] }>,
): Op<void> {
  const rows = entries.flatMap(({ id, vectors }) =>
    vectors.map((v) => list([id, v.sector, scope.userId, encodeVector(v.vector), v.vector.length, v.model])),
  );
  for (const part of chunks(rows, Math.floor(d.capabilities.maxParams / VECTOR_COLUMNS))) {
    yield sql`INSERT INTO ${raw(d.tables.vectors)} (id, sector, user_id, v, dim, model) VALUES ${join(part, ', ')}`;
  }
}

export function* getVectors(d: Dialect, scope: UserScope, ids: readonly string[]): Op<Map<string, SectorVector[]>> {
  const out = new Map<string, SectorVector[]>();
  for (const part of chunks(usableIds(d, ids), idChunk(d))) {
    const { rows } = yield sql`SELECT id, sector, v, model FROM ${raw(d.tables.vectors)}
      WHERE id IN ${list(part)} AND ${inScopeById(scope)} ORDER BY id, sector`;
    for (const r of rows) {
      const v = decodeSectorVector(r);
      if (!v) continue;
      const key = String(r.id);
      out.set(key, [...(out.get(key) ?? []), v]);
    }
  }
  return out;
}

/** All vectors of the scope in one sector with its most common dimension. */
export function* loadSectorMatrix(d: Dialect, scope: UserScope, sector: Sector): Op<SectorMatrix> {
  const { rows: dims } = yield sql`SELECT dim, COUNT(*) AS n FROM ${raw(d.tables.vectors)}
    WHERE ${inScope(scope)} AND sector = ${sector} GROUP BY dim ORDER BY n DESC, dim DESC LIMIT 1`;
  const dim = dims[0] ? Number(dims[0].dim) : 0;
  if (dim <= 0) return { ids: [], dim: 0, data: new Float32Array(0) };
  const { rows } = yield sql`SELECT id, v FROM ${raw(d.tables.vectors)}
    WHERE ${inScope(scope)} AND sector = ${sector} AND dim = ${dim} ORDER BY ${raw(d.storageOrder ?? 'id')}`;
  const ids: string[] = [];
  const data = new Float32Array(rows.length * dim);
  for (const r of rows) {
    // `dim` is what the writer claimed; the bytes decide.
    if (!(r.v instanceof Uint8Array) || r.v.byteLength !== dim * 4) continue;
    data.set(decodeVector(r.v), ids.length * dim);
    ids.push(String(r.id));
  }
  return { ids, dim, data: data.subarray(0, ids.length * dim) };
}
