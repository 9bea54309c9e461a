/**
 * better-sqlite3 driver: one connection, statements prepared once and cached, every write in
 * one IMMEDIATE transaction (taking the write lock up front avoids lock-upgrade deadlocks).
 */
import type Database from 'better-sqlite3';
import type { Driver, Op, StmtResult } from '../driver.js';
import { runSync } from '../driver.js';
import { isTyped, storageError } from '../errors.js';
import type { Stmt } from '../sql.js';

const CACHE_LIMIT = 512;

const errorCode = (e: unknown): string => (typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '');

/** SQLITE_BUSY and its extended codes: another connection holds the lock. */
export const isBusy = (e: unknown): boolean => errorCode(e).startsWith('SQLITE_BUSY');

function mapError(e: unknown): Error {
  if (isTyped(e)) return e;
  const code = errorCode(e);
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return storageError('conflict', e);
  if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH') return storageError('validation_error', e);
  if (isBusy(e) || code.startsWith('SQLITE_LOCKED')) return storageError('unavailable', e);
  return storageError('internal', e);
}

export class SqliteDriver implements Driver {
  readonly #cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  exec(s: Stmt): StmtResult {
    let st = this.#cache.get(s.text);
    if (!st) {
      // Statements with long IN lists vary in text; a bounded cache keeps them from piling up.
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      st = this.db.prepare(s.text);
      this.#cache.set(s.text, st);
    }
    if (st.reader) return { rows: st.all(...s.params) as StmtResult['rows'], changes: 0 };
    return { rows: [], changes: st.run(...s.params).changes };
  }

  #run<T>(op: Op<T>, mode: 'deferred' | 'immediate'): Promise<T> {
    try {
      return Promise.resolve(this.db.transaction(() => runSync(op, (s) => this.exec(s)))[mode]());
    } catch (e) {
      return Promise.reject(mapError(e));
    }
  }

  read<T>(op: Op<T>): Promise<T> {
    return this.#run(op, 'deferred');
  }

  write<T>(op: Op<T>): Promise<T> {
    return this.#run(op, 'immediate');
  }

  async close(): Promise<void> {
    this.#cache.clear();
    if (this.db.open) this.db.close();
  }
}
