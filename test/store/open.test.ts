import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import { item } from '../contract/data.js';
import { testPgUrl, uniqueName } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

const quiet = { log: () => {} };

describe('openStore', () => {
  it('SQLite: creates the parent directory, uses WAL with a busy timeout, and lets other connections in', async () => {
    const t = tmpDir();
    const file = path.join(t.dir, 'a', 'b', 'om.sqlite');
    const store = await openStore(loadConfig({ OM_DB_PATH: file }), quiet);
    try {
      await store.insertMemories(userScope('u'), [item({ content: 'visible to other readers' })]);
      const other = new Database(file, { readonly: true });
      try {
        assert.equal(other.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal((other.prepare('SELECT COUNT(*) AS n FROM memories').get() as { n: number }).n, 1);
      } finally {
        other.close();
      }
      assert.equal(store.location, file);
    } finally {
      await store.close();
      await store.close();
      t.cleanup();
    }
  });

  it('PostgreSQL: creates a missing schema, keeps credentials out of its location, returns numbers', async () => {
    const schema = uniqueName('missing');
    const store = await openStore(
      loadConfig({ OM_METADATA_BACKEND: 'postgres', OM_PG_URL: testPgUrl(), OM_PG_SCHEMA: schema }),
      quiet,
    );
    const admin = new pg.Client({ connectionString: testPgUrl() });
    await admin.connect();
    try {
      const { rows } = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      assert.equal(rows.length, 1);
      // No credentials part (user:password@) in what goes to logs.
      assert.ok(!store.location.includes('@') && store.location.includes(schema), store.location);
      const m = item({ createdAt: 1_795_476_532_447 });
      await store.insertMemories(userScope('u'), [m]);
      const got = await store.getMemory(userScope('u'), m.memory.id);
      assert.equal(typeof got?.createdAt, 'number');
      assert.equal(await store.countMemories(userScope('u')), 1);
      assert.equal(await store.getMemory(userScope('u'), m.memory.id.toUpperCase().replace(/-/g, '')), null);
      // The global parsers stay as node-postgres ships them: other code in the process is unaffected.
      assert.equal(typeof (await admin.query('SELECT 1::bigint AS n')).rows[0].n, 'string');
    } finally {
      await store.close();
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });

  it('PostgreSQL: connects with discrete settings instead of a URL', async () => {
    const u = new URL(testPgUrl());
    const schema = uniqueName('discrete');
    const env = {
      OM_METADATA_BACKEND: 'postgres',
      OM_PG_HOST: u.hostname,
      OM_PG_PORT: u.port || '5432',
      OM_PG_DB: u.pathname.slice(1),
      OM_PG_USER: decodeURIComponent(u.username),
      OM_PG_PASSWORD: decodeURIComponent(u.password),
      OM_PG_SSL: 'disable',
      OM_PG_SCHEMA: schema,
    };
    const store = await openStore(loadConfig(env), quiet);
    try {
      await store.insertMemories(userScope(null), [item()]);
      assert.equal(await store.countMemories(userScope(null)), 1);
      assert.equal(store.location, `postgres://${u.hostname}:${u.port || '5432'}/${u.pathname.slice(1)} (${schema})`);
    } finally {
      await store.close();
      const admin = new pg.Client({ connectionString: testPgUrl() });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
