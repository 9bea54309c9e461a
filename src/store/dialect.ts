/**
 * What differs between backends for the shared operations: table names, capabilities and id
 * handling. Operations ask the dialect; they never test which backend they run on.
 */
import type { Stmt } from './sql.js';
import type { StoreCapabilities } from './store.js';

/** Quoted, qualified table names, ready to inline. */
export interface TableNames {
  memories: string;
  vectors: string;
  waypoints: string;
  users: string;
  embedLogs: string;
  stats: string;
  apiKeys: string;
  userEpochs: string;
  userJournal: string;
  memoryHistory: string;
  temporalFacts: string;
  temporalEdges: string;
  schemaVersion: string;
}

export interface Dialect {
  readonly capabilities: StoreCapabilities;
  readonly tables: TableNames;
  /**
   * Whether a string can be a memory id on this backend. PostgreSQL stores ids as `uuid`, so
   * anything else is treated as a missing id instead of reaching the database as a type error.
   */
  isMemoryId(id: string): boolean;
  /** A bound memory id typed like the memories `id` column (needed where the type cannot be inferred, e.g. VALUES lists). */
  memoryIdValue(id: string): Stmt;
  /**
   * The column that orders rows as stored, where that is not the id (SQLite: `rowid`). Walks
   * that rewrite every memory go in this order, so that consecutive writes share pages.
   */
  readonly storageOrder?: string;
}
