/** PostgreSQL facts for the shared operations: configured schema and table names, uuid ids. */
import type { PgConfig } from '../../config.js';
import type { Dialect, TableNames } from '../dialect.js';
import { isLowerUuid } from '../ids.js';
import type { LogicalTable } from '../migrate/types.js';
import { ident, sql } from '../sql.js';

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
    userEpochs: 'openmemory_user_epochs',
    userJournal: 'openmemory_user_journal',
    memoryHistory: 'openmemory_memory_history',
    temporalFacts: 'openmemory_temporal_facts',
    temporalEdges: 'openmemory_temporal_edges',
    schemaVersion: 'schema_version',
  });
}

export function postgresDialect(pg: Pick<PgConfig, 'schema' | 'memoriesTable' | 'vectorsTable'>): Dialect {
  const tables = {} as TableNames;
  for (const [k, v] of Object.entries(pgNames(pg))) tables[k as keyof TableNames] = ident(pg.schema, v);
  return Object.freeze({
    capabilities: Object.freeze({ multiNode: true, maxParams: MAX_PARAMS } as const),
    tables: Object.freeze(tables),
    isMemoryId: isLowerUuid,
    memoryIdValue: (id: string) => sql`CAST(${id} AS uuid)`,
  });
}
