/**
 * node-postgres driver on a Pool (never one shared client: concurrent requests must not share a
 * transaction, upstream defect D7). Writes run on one checked-out client between BEGIN and COMMIT.
 */
import pg from 'pg';
import type { Driver, Op, StmtResult, WriteOptions } from '../driver.js';
import { runAsync } from '../driver.js';
import { isTyped, storageError } from '../errors.js';
import type { Stmt } from '../sql.js';

const INT8 = 20;
const NUMERIC = 1700;

/** bigint and numeric as JS numbers, on this pool only (the global pg.types stay untouched). */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** `?` placeholders → `$n`. Statement text never holds a literal `?` (values are always bound). */
export function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

function mapError(e: unknown): Error {
  if (isTyped(e)) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === '23505') return storageError('conflict', e);
  if (code.startsWith('22') || code.startsWith('23')) return storageError('validation_error', e);
  if (code.startsWith('08') || code === '57P03' || code === '53300' || code.startsWith('ECONN'))
    return storageError('unavailable', e);
  return storageError('internal', e);
}

export class PostgresDriver implements Driver {
  readonly concurrentWrites = true;
  constructor(readonly pool: pg.Pool) {}

  static pool(config: pg.PoolConfig): pg.Pool {
    const pool = new pg.Pool({ ...config, types });
    // An idle client that loses its connection must not crash the process.
    pool.on('error', () => {});
    return pool;
  }

  static async exec(client: pg.Pool | pg.PoolClient, s: Stmt): Promise<StmtResult> {
    const r = await client.query(numbered(s.text), s.params as unknown[]);
    return { rows: r.rows, changes: r.rowCount ?? 0 };
  }

  async read<T>(op: Op<T>): Promise<T> {
    try {
      return await runAsync(op, (s) => PostgresDriver.exec(this.pool, s));
    } catch (e) {
      throw mapError(e);
    }
  }

  async write<T>(op: Op<T>, options: WriteOptions = {}): Promise<T> {
    try {
      return await this.transaction((client) => runAsync(op, (s) => PostgresDriver.exec(client, s)), options);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Runs `fn` between BEGIN and COMMIT on one client; ROLLBACK when it throws. Errors pass unchanged. */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // One round trip: the simple query protocol takes both statements at once.
      await client.query(options.lazyFlush ? 'BEGIN; SET LOCAL synchronous_commit TO OFF' : 'BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      // A client whose ROLLBACK fails is unusable; releasing it with the error discards it.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  #closed = false;

  /** Idempotent, like the SQLite driver's (pg's Pool.end throws when called twice). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.pool.end();
  }
}
