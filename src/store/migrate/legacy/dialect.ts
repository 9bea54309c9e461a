/**
 * What the legacy upgrade steps need to know about a backend: upstream's names there and the
 * column types it declared. Each adapter passes its own next to its step list.
 */
import type { PgConfig } from '../../../config.js';
import type { TableNames } from '../../dialect.js';
import { ident } from '../../sql.js';

export interface LegacyDialect {
  readonly tables: TableNames;
  /** Upstream 1.1.x's full-text table: unqualified name (as introspected) and quoted, qualified name. */
  readonly legacyFullText: { name: string; qualified: string };
  /** `ADD COLUMN IF NOT EXISTS` where the backend has it; the steps add only missing columns anyway. */
  readonly addColumn: string;
  readonly types: { blob: string; real: string; time: string };
  /** Upstream head's vector table where its name is not this schema's (SQLite), or null. */
  readonly headVectorTable: string | null;
  /** SQL for the stored type of a column where the backend lets any type into any column (SQLite), or null. */
  readonly storedType: ((column: string) => string) | null;
  /** Indexes upstream left under names this schema does not use, replaced by the v1.2 step's own. */
  readonly strayIndexes: readonly StrayIndex[];
}

export interface StrayIndex {
  name: string;
  qualified: string;
  /** Stray only while no table of this name exists: otherwise the index is that table's (another deployment in the schema). */
  unlessTable?: string;
}

export function sqliteLegacy(tables: TableNames): LegacyDialect {
  return {
    tables,
    legacyFullText: { name: 'memories_fts', qualified: ident('memories_fts') },
    headVectorTable: 'openmemory_vectors',
    addColumn: 'ADD COLUMN',
    types: { blob: 'blob', real: 'real', time: 'integer' },
    storedType: (column) => `typeof(${column})`,
    strayIndexes: [],
  };
}

const V12_MEMORY_INDEXES = ['sector_idx', 'segment_idx', 'simhash_idx', 'user_idx'];

export function postgresLegacy(
  tables: TableNames,
  pg: Pick<PgConfig, 'schema' | 'memoriesTable' | 'vectorsTable'>,
): LegacyDialect {
  const { schema } = pg;
  const stray = (name: string, unlessTable?: string): StrayIndex => ({
    name,
    qualified: ident(schema, name),
    ...(unlessTable ? { unlessTable } : {}),
  });
  // v1.1/v1.2 named indexes after the default tables even on OM_PG_TABLE / OM_VECTOR_TABLE tables; ours follow the table.
  const fixedNames = [
    ...(pg.memoriesTable === 'openmemory_memories'
      ? []
      : V12_MEMORY_INDEXES.map((s) => stray(`openmemory_memories_${s}`, 'openmemory_memories'))),
    ...(pg.vectorsTable === 'openmemory_vectors' ? [] : [stray('openmemory_vectors_user_idx', 'openmemory_vectors')]),
  ];
  return {
    tables,
    legacyFullText: { name: 'openmemory_memories_fts', qualified: ident(schema, 'openmemory_memories_fts') },
    headVectorTable: null,
    addColumn: 'ADD COLUMN IF NOT EXISTS',
    types: { blob: 'bytea', real: 'double precision', time: 'bigint' },
    storedType: null,
    // The migration document's PostgreSQL block uses SQLite's index names; they duplicate the *_user_idx indexes.
    strayIndexes: [
      ...['idx_memories_user', 'idx_vectors_user', 'idx_waypoints_user'].map((n) => stray(n)),
      ...fixedNames,
    ],
  };
}
