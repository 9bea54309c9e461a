/**
 * What differs between backends for the shared operations: table names, capabilities and the
 * full-text statement. Operations ask the dialect; they never test which backend they run on.
 */
import type { UserScope } from './scope.js';
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
  vectorEpochs: string;
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
  /**
   * Ranked full-text candidates for already-sanitised tokens, within the scope. `byOwner`: also
   * match the scope's owner term (see `termStats.ownerTerm`), which pays off unless the user
   * holds a large share of the rows.
   */
  textSearch(scope: UserScope, tokens: readonly string[], limit: number, byOwner: boolean): Stmt;
  /**
   * Where the text rank weighs terms by rarity across the whole index (bm25): statements for the
   * indexed row count (one row with `n`) and the rows holding each of some terms (a row with
   * `term` and `n` per indexed term), and where there is one, the indexed term naming a scope's
   * rows (../term-shares.ts). `listsAll`: `docs` returns every counted term whatever it is asked,
   * and a term it does not list counts 0.
   */
  readonly termStats?: { rows(): Stmt; docs(terms: readonly string[]): Stmt; ownerTerm?(scope: UserScope): string; listsAll?: boolean };
}
