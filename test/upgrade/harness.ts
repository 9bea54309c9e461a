/**
 * A fixture database ready to upgrade (a copied SQLite file, or a PostgreSQL dump restored into
 * a fresh schema), the environment that points OpenMemory at it, and full logical dumps to
 * prove "nothing changed".
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';
import { openBackend, type MigratableStore } from '../../src/store/open.js';
import { upgradeSettings } from '../../src/store/migrate/user-map.js';
import { storedUserScope } from '../../src/store/scope.js';
import { restorePgDump } from '../helpers/pg-dump.js';
import { testPgUrl, uniqueName } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';
import { copySqliteFixture, fixturePath, type Fixture } from './fixtures.js';

export interface PreparedDb {
  env: Record<string, string>;
  config: Readonly<Config>;
  /** Logical dump of everything in the database (schema and rows), as one hash plus its parts. */
  dump(): Promise<string>;
  /** Runs SQL straight on the database (to simulate what upstream tools did to it). */
  sql(text: string): Promise<void>;
  cleanup(): Promise<void>;
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

function sqliteDump(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const objects = db.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY type, name`).all() as Array<{
      type: string;
      name: string;
      sql: string | null;
    }>;
    const parts = objects.map((o) => `${o.type} ${o.name} ${o.sql ?? ''}`);
    for (const o of objects) {
      if (o.type !== 'table' || o.name.startsWith('sqlite_') || /_(data|idx|content|docsize|config)$/.test(o.name))
        continue;
      const rows = db.prepare(`SELECT * FROM "${o.name}"`).raw().all() as unknown[][];
      const lines = rows
        .map((r) => JSON.stringify(r.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))))
        .sort();
      parts.push(`rows ${o.name} ${hash(lines)}`);
    }
    return hash(parts);
  } finally {
    db.close();
  }
}

async function pgDump(url: string, schema: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (text: string) => (await client.query(text, [schema])).rows.map((r) => JSON.stringify(r));
    const parts = [
      ...(await q(
        `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = $1 ORDER BY 1, 2`,
      )),
      ...(await q(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`)),
      ...(await q(
        `SELECT conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 ORDER BY 1`,
      )),
    ];
    const tables = await client.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [schema],
    );
    for (const { table_name } of tables.rows) {
      const rows = await client.query(`SELECT t::text AS r FROM "${schema}"."${table_name}" t`);
      parts.push(`rows ${table_name} ${hash(rows.rows.map((r) => String(r.r)).sort())}`);
    }
    return hash(parts);
  } finally {
    await client.end();
  }
}

async function pgExec(url: string, schema: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function prepareSqlite(file: string, extraEnv: Record<string, string> = {}): Promise<PreparedDb> {
  const env = { OM_DB_PATH: file, OM_LOG_LEVEL: 'silent', ...extraEnv };
  return {
    env,
    config: loadConfig(env),
    dump: async () => sqliteDump(file),
    sql: async (text) => {
      const db = new Database(file);
      try {
        db.exec(text);
      } finally {
        db.close();
      }
    },
    cleanup: async () => {},
  };
}

/** Copies a SQLite fixture (with its -wal) or restores a PostgreSQL dump into a schema of its own. */
export async function prepareFixture(f: Fixture): Promise<PreparedDb> {
  if (f.engine === 'sqlite') {
    const tmp = tmpDir('om-upgrade-');
    const db = await prepareSqlite(copySqliteFixture(f.set, f.file, tmp.dir));
    return { ...db, cleanup: async () => tmp.cleanup() };
  }
  const url = testPgUrl();
  const schema = uniqueName('up');
  // A dump of `public` does not create its schema; a dump of a custom schema does.
  if (f.schema === 'public') await pgExec(url, 'public', `CREATE SCHEMA "${schema}"`);
  await restorePgDump(url, fixturePath(f.set, f.file), { schemaMap: { [f.schema]: schema } });
  const env = {
    OM_METADATA_BACKEND: 'postgres',
    OM_PG_URL: url,
    OM_PG_SCHEMA: schema,
    OM_PG_TABLE: f.memoriesTable,
    OM_VECTOR_TABLE: f.vectorsTable,
    OM_LOG_LEVEL: 'silent',
  };
  return {
    env,
    config: loadConfig(env),
    dump: () => pgDump(url, schema),
    sql: (text) => pgExec(url, schema, text),
    cleanup: () => pgExec(url, 'public', `DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}

export async function withStore<T>(db: PreparedDb, fn: (store: MigratableStore) => Promise<T>): Promise<T> {
  const store = openBackend(db.config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Manifest entries whose (id, sha256(content), user) is not found under that user; empty when all are. */
export async function missingFromManifest(store: MigratableStore, f: Fixture): Promise<string[]> {
  const byUser = new Map<string | null, Map<string, string>>();
  for (const m of f.manifest.memories) {
    const u = byUser.get(m.user_id) ?? new Map<string, string>();
    u.set(m.id, m.content_sha256);
    byUser.set(m.user_id, u);
  }
  const missing: string[] = [];
  for (const [user, wanted] of byUser) {
    const found = await store.getMemories(storedUserScope(user), [...wanted.keys()]);
    const got = new Map(found.map((m) => [m.id, createHash('sha256').update(m.content, 'utf8').digest('hex')]));
    for (const [id, sha] of wanted)
      if (got.get(id) !== sha)
        missing.push(`${id} (user ${user === null ? 'default' : JSON.stringify(user.slice(0, 40))})`);
  }
  return missing;
}

export const io = (env: Record<string, string>) => {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { env, out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
};

export const fixtureLabel = (f: Fixture) => `${f.set}/${path.basename(f.file)} (${f.engine})`;

/**
 * The fixture as it reads after an upgrade without OM_API_KEY or OM_UPGRADE_USER_MAP: upstream's
 * `anonymous` (v1.2.3 on) and head's `dev-no-auth` are the default user.
 */
export function withUpgradedOwners(f: Fixture): Fixture {
  const renames = new Map(upgradeSettings(null, []).userRenames);
  const owner = (u: string | null) => (u !== null && renames.has(u) ? renames.get(u)! : u);
  return {
    ...f,
    manifest: { ...f.manifest, memories: f.manifest.memories.map((m) => ({ ...m, user_id: owner(m.user_id) })) },
  };
}
