/**
 * The backends every contract spec runs against, unchanged: SQLite on a temp file, PostgreSQL in
 * a fresh schema, and PostgreSQL with custom table names (OM_PG_TABLE / OM_VECTOR_TABLE).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import type { LogicalTable } from '../../src/store/migrate/types.js';
import { openStore } from '../../src/store/open.js';
import { pgNames } from '../../src/store/postgres/dialect.js';
import { SQLITE_NAMES } from '../../src/store/sqlite/dialect.js';
import type { Store } from '../../src/store/store.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

export interface OpenedStore {
  store: Store;
  /** The environment the store was opened with (to reopen the same database). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** An empty database location with raw SQL access, for specs that must start before any store exists. */
export interface BlankDatabase {
  env: Record<string, string>;
  /** Physical names of the store's tables on this backend. */
  names: Readonly<Record<LogicalTable, string>>;
  /** `name` as the backend qualifies it (PostgreSQL: inside the test schema). */
  table(name: string): string;
  run(text: string): Promise<Array<Record<string, unknown>>>;
  /** Names of the tables in the database (or schema). */
  tables(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export interface Backend {
  name: string;
  open(): Promise<OpenedStore>;
  blank(): Promise<BlankDatabase>;
}

async function opened(env: Record<string, string>, cleanup: () => Promise<void>): Promise<OpenedStore> {
  const store = await openStore(loadConfig(env), { migrate: true, log: () => {} });
  return {
    store,
    env,
    close: async () => {
      await store.close();
      await cleanup();
    },
  };
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function backend(name: string, blank: () => Promise<BlankDatabase>): Backend {
  return {
    name,
    blank,
    async open() {
      const b = await blank();
      return opened(b.env, b.cleanup);
    },
  };
}

function postgresBlank(tables: Record<string, string>): () => Promise<BlankDatabase> {
  return async () => {
    const s = await freshPgSchema('contract');
    const env = {
      OM_METADATA_BACKEND: 'postgres',
      OM_PG_URL: s.url,
      OM_PG_SCHEMA: s.schema,
      OM_LOG_LEVEL: 'silent',
      ...tables,
    };
    return {
      env,
      names: pgNames(loadConfig(env).pg),
      table: (t) => `"${s.schema}"."${t}"`,
      run: (text) => withPg(s.url, async (c) => (await c.query(text)).rows),
      tables: () =>
        withPg(s.url, async (c) =>
          (await c.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [s.schema])).rows.map(
            (r) => String(r.tablename),
          ),
        ),
      cleanup: s.drop,
    };
  };
}

async function sqliteBlank(): Promise<BlankDatabase> {
  const t = tmpDir('om-contract-');
  const file = path.join(t.dir, 'nested', 'om.sqlite');
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  const all = (text: string) =>
    withDb((db) => {
      const st = db.prepare(text);
      if (st.reader) return st.all() as Array<Record<string, unknown>>;
      st.run();
      return [];
    });
  return {
    env: { OM_METADATA_BACKEND: 'sqlite', OM_DB_PATH: file, OM_LOG_LEVEL: 'silent' },
    names: SQLITE_NAMES,
    table: (name) => `"${name}"`,
    run: async (text) => all(text),
    tables: async () =>
      all(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1`).map((r) =>
        String(r.name),
      ),
    cleanup: async () => t.cleanup(),
  };
}

export const BACKENDS: readonly Backend[] = [
  backend('sqlite', sqliteBlank),
  backend('postgres', postgresBlank({})),
  backend(
    'postgres (custom table names)',
    postgresBlank({ OM_PG_TABLE: 'acme_memories', OM_VECTOR_TABLE: 'acme_vectors' }),
  ),
];

/**
 * Declares one concern's specs once per backend; each spec gets a fresh, migrated store.
 * `body` receives a getter because the store only exists while a spec runs.
 */
export function contract(concern: string, body: (current: () => OpenedStore) => void): void {
  for (const backend of BACKENDS) {
    describe(`${concern} [${backend.name}]`, () => {
      let current: OpenedStore | undefined;
      beforeEach(async () => {
        current = await backend.open();
      });
      afterEach(async () => {
        await current?.close();
        current = undefined;
      });
      body(() => {
        if (!current) throw new Error('no store open');
        return current;
      });
    });
  }
}
