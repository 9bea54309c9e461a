/**
 * The seam between the shared store operations and a backend driver.
 *
 * An operation is a generator that yields statements and receives their results, so the same
 * operation runs synchronously inside a better-sqlite3 transaction (no interleaving on the one
 * connection) and asynchronously on a checked-out PostgreSQL client.
 */
import type { Stmt } from './sql.js';

export type Row = Record<string, unknown>;

export interface StmtResult {
  rows: Row[];
  /** Rows inserted, updated or deleted. */
  changes: number;
}

export type Op<T> = Generator<Stmt, T, StmtResult>;

export interface WriteOptions {
  /**
   * The commit may return before it is flushed to disk (PostgreSQL `synchronous_commit = off`):
   * a crash of the database server can lose the last fraction of a second of such writes, never
   * half of one. For writes worth less than their flush, such as a query's reinforcement.
   * SQLite's commits never wait for the disk in WAL mode with `synchronous = NORMAL`.
   */
  lazyFlush?: boolean;
}

export interface Driver {
  /**
   * Whether write transactions run side by side (PostgreSQL: a pool of connections) or one at a
   * time anyway (SQLite: one connection, synchronous), where fewer, larger ones cost less.
   */
  readonly concurrentWrites: boolean;
  /** Runs a read-only operation. */
  read<T>(op: Op<T>): Promise<T>;
  /** Runs an operation in one transaction: all of its statements apply, or none. */
  write<T>(op: Op<T>, options?: WriteOptions): Promise<T>;
  close(): Promise<void>;
}

/** Drives an operation with a synchronous executor (SQLite). */
export function runSync<T>(op: Op<T>, exec: (s: Stmt) => StmtResult): T {
  let step = op.next();
  while (!step.done) step = op.next(exec(step.value));
  return step.value;
}

/** Drives an operation with an asynchronous executor (PostgreSQL). */
export async function runAsync<T>(op: Op<T>, exec: (s: Stmt) => Promise<StmtResult>): Promise<T> {
  let step = op.next();
  while (!step.done) step = op.next(await exec(step.value));
  return step.value;
}
