/** SQLite facts for the shared operations: fixed v1.2 table names, text ids, rowid storage order. */
import type { Dialect, TableNames } from '../dialect.js';
import type { LogicalTable } from '../migrate/types.js';
import { ident, sql } from '../sql.js';

/** v1.2 names (OM_PG_TABLE / OM_VECTOR_TABLE never applied to SQLite). */
export const SQLITE_NAMES: Readonly<Record<LogicalTable, string>> = Object.freeze({
  memories: 'memories',
  vectors: 'vectors',
  waypoints: 'waypoints',
  users: 'users',
  embedLogs: 'embed_logs',
  stats: 'stats',
  apiKeys: 'api_keys',
  userEpochs: 'user_epochs',
  userJournal: 'user_journal',
  memoryHistory: 'memory_history',
  temporalFacts: 'temporal_facts',
  temporalEdges: 'temporal_edges',
  schemaVersion: 'schema_version',
});

/** SQLITE_MAX_VARIABLE_NUMBER of the bundled SQLite. */
const MAX_PARAMS = 32_766;

function quotedNames(): TableNames {
  const out = {} as TableNames;
  for (const [k, v] of Object.entries(SQLITE_NAMES)) out[k as keyof TableNames] = ident(v);
  return out;
}

export const sqliteDialect: Dialect = Object.freeze({
  capabilities: Object.freeze({ multiNode: false, maxParams: MAX_PARAMS } as const),
  tables: Object.freeze(quotedNames()),
  isMemoryId: (id: string) => id.length > 0,
  memoryIdValue: (id: string) => sql`${id}`,
  storageOrder: 'rowid',
});
