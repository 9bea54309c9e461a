/** PostgreSQL facts for the shared operations: configured schema and table names, tsvector search. */
import type { PgConfig } from '../../config.js';
import type { Dialect, TableNames } from '../dialect.js';
import { isLowerUuid } from '../ids.js';
import type { LogicalTable } from '../migrate/types.js';
import type { UserScope } from '../scope.js';
import { ident, inScope, raw, sql } from '../sql.js';


/** The wire protocol's limit on bound parameters per statement. */
const MAX_PARAMS = 65_535;

export function pgNames(pg: Pick<PgConfig, 'memoriesTable' | 'vectorsTable'>): Readonly<Record<LogicalTable, string>> {
  return Object.freeze({
    memories: pg.memoriesTable,
    vectors: pg.vectorsTable,
    waypoints: 'openmemory_waypoints',
    users: 'openmemory_users',
    embedLogs: 'openmemory_embed_logs',
    stats: 'openmemory_stats',
    apiKeys: 'openmemory_api_keys',
    vectorEpochs: 'openmemory_vector_epochs',
    schemaVersion: 'schema_version',
  });
}

/** The text-search expression, computed once per row into {@link SEARCH_VECTOR} (migration 2.0.6). */
export const TSVECTOR = `to_tsvector('simple', content)`;
/** The stored, GIN-indexed column holding {@link TSVECTOR}. */
export const SEARCH_VECTOR = 'content_tsv';

export function postgresDialect(pg: Pick<PgConfig, 'schema' | 'memoriesTable' | 'vectorsTable'>): Dialect {
  const tables = {} as TableNames;
  for (const [k, v] of Object.entries(pgNames(pg))) tables[k as keyof TableNames] = ident(pg.schema, v);
  return Object.freeze({
    capabilities: Object.freeze({ fullText: 'tsvector', multiNode: true, maxParams: MAX_PARAMS } as const),
    tables: Object.freeze(tables),
    isMemoryId: isLowerUuid,
    memoryIdValue: (id: string) => sql`CAST(${id} AS uuid)`,
    // The planner narrows by user itself (user index ANDed with the GIN index).
    textSearch(scope: UserScope, tokens: readonly string[], limit: number) {
      // Tokens hold only letters and digits; quoted lexemes joined by | cannot form other operators.
      const query = tokens.map((t) => `'${t}'`).join(' | ');
      return sql`SELECT id::text AS id, ts_rank(${raw(SEARCH_VECTOR)}, q) AS rank
        FROM ${raw(tables.memories)}, to_tsquery('simple', ${query}) q
        WHERE ${raw(SEARCH_VECTOR)} @@ q AND ${inScope(scope)} ORDER BY rank DESC, id LIMIT ${limit}`;
    },
    // From the planner's statistics (ANALYZE, autovacuum): the row estimate, and the lexemes common
    // enough to be listed with their frequency (a thousand at most, read in one go). An unlisted
    // lexeme is rarer than every listed one: it counts 0. Without statistics the table counts 0
    // rows and every term is searched.
    termStats: Object.freeze({
      rows: () => sql`SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = to_regclass(${tables.memories})`,
      docs: () => sql`SELECT e.term, (e.freq * GREATEST(c.reltuples, 0))::bigint AS n
        FROM pg_stats s JOIN pg_class c ON c.oid = to_regclass(${tables.memories}),
          unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(term, freq)
        WHERE s.schemaname = ${pg.schema} AND s.tablename = ${pg.memoriesTable} AND s.attname = ${SEARCH_VECTOR} AND e.term IS NOT NULL`,
      listsAll: true,
    }),
  });
}
