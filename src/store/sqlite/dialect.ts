/** SQLite facts for the shared operations: fixed v1.2 table names, FTS5 search. */
import type { Dialect, TableNames } from '../dialect.js';
import type { LogicalTable } from '../migrate/types.js';
import type { UserScope } from '../scope.js';
import { ident, inScope, list, raw, sql } from '../sql.js';

/** v1.2 names (OM_PG_TABLE / OM_VECTOR_TABLE never applied to SQLite). */
export const SQLITE_NAMES: Readonly<Record<LogicalTable, string>> = Object.freeze({
  memories: 'memories',
  vectors: 'vectors',
  waypoints: 'waypoints',
  users: 'users',
  embedLogs: 'embed_logs',
  stats: 'stats',
  apiKeys: 'api_keys',
  vectorEpochs: 'vector_epochs',
  schemaVersion: 'schema_version',
});

/** FTS5 index over memories.content (release 1.1.1 used `memories_fts` with another layout). */
export const SEARCH_TABLE = 'memories_search';

/**
 * The indexed owner column of {@link SEARCH_TABLE}: one token per user, so a search reads only
 * that user's postings instead of every user's and filtering afterwards. The exact `user_id`
 * filter still decides; the token only narrows. Written by triggers, hence plain SQL.
 */
export const OWNER_TOKEN_SQL = (row: string) => `CASE WHEN ${row}.user_id IS NULL THEN 'unone' ELSE 'u' || lower(hex(${row}.user_id)) END`;

/** {@link OWNER_TOKEN_SQL} of a scope (hex of the id's UTF-8 bytes never contains "none"). */
export function ownerToken(scope: UserScope): string {
  return scope.userId === null ? 'unone' : `u${Buffer.from(scope.userId, 'utf8').toString('hex')}`;
}

/** `fts5vocab` view of {@link SEARCH_TABLE}: documents per term (stores nothing itself). */
export const SEARCH_VOCAB = 'memories_search_vocab';

/** SQLITE_MAX_VARIABLE_NUMBER of the bundled SQLite. */
const MAX_PARAMS = 32_766;

function quotedNames(): TableNames {
  const out = {} as TableNames;
  for (const [k, v] of Object.entries(SQLITE_NAMES)) out[k as keyof TableNames] = ident(v);
  return out;
}

export const sqliteDialect: Dialect = Object.freeze({
  capabilities: Object.freeze({ fullText: 'fts5', multiNode: false, maxParams: MAX_PARAMS } as const),
  tables: Object.freeze(quotedNames()),
  isMemoryId: (id: string) => id.length > 0,
  memoryIdValue: (id: string) => sql`${id}`,
  storageOrder: 'rowid',
  textSearch(scope: UserScope, tokens: readonly string[], limit: number, byOwner: boolean) {
    // Tokens hold only letters and digits; quoting makes each a plain term (no operators, no column filters).
    const terms = `content : (${tokens.map((t) => `"${t}"`).join(' OR ')})`;
    const match = byOwner ? `owner : "${ownerToken(scope)}" AND ${terms}` : terms;
    // Column weights: only content ranks (content, id, user_id, owner).
    return sql`SELECT id, -bm25(${raw(SEARCH_TABLE)}, 1, 0, 0, 0) AS rank FROM ${raw(SEARCH_TABLE)}
      WHERE ${raw(SEARCH_TABLE)} MATCH ${match} AND ${inScope(scope)} ORDER BY rank DESC, id LIMIT ${limit}`;
  },
  termStats: Object.freeze({
    rows: () => sql`SELECT COUNT(*) AS n FROM ${raw(SQLITE_NAMES.memories)}`,
    docs: (terms: readonly string[]) => sql`SELECT term, doc AS n FROM ${raw(SEARCH_VOCAB)} WHERE term IN ${list(terms)}`,
    ownerTerm: ownerToken,
  }),
});
