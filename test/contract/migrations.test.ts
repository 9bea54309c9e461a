import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { OmError } from '../../src/errors.js';
import type { MigrationReport } from '../../src/store/migrate/types.js';
import { compareVersions } from '../../src/store/migrate/versions.js';
import { openBackend, openStore } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS } from './backends.js';
import { item } from './data.js';

const run = promisify(execFile);
const quiet = { log: () => {} };
const child = fileURLToPath(new URL('./migrate-child.ts', import.meta.url));

/** Migrates in a separate process: SQLite's busy wait blocks its thread, so racing must happen across processes. */
async function migrateInChild(env: Record<string, string>): Promise<MigrationReport> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, ...env } });
  return JSON.parse(stdout) as MigrationReport;
}

/** On a fresh database, steps that upgrade older upstream layouts (or carry over upstream's PostgreSQL stats, 2.1.1) have nothing to do. */
const appliedWhenFresh = (version: string) => compareVersions(version, '1.2.0') >= 0 && version !== '2.1.1';

for (const backend of BACKENDS) {
  describe(`migrations [${backend.name}]`, () => {
    it('installs a fresh database, then finds nothing to do', async () => {
      const db = await backend.blank();
      const store = openBackend(loadConfig(db.env));
      try {
        const first = await store.migrate();
        assert.equal(first.status, 'ok');
        const expected = first.steps.map((s) => (appliedWhenFresh(s.version) ? 'applied' : 'skipped'));
        assert.deepEqual(
          first.steps.map((s) => s.status),
          expected,
        );
        const second = await store.migrate();
        assert.equal(second.status, 'ok');
        assert.deepEqual(
          second.steps.map((s) => s.status),
          first.steps.map(() => 'skipped'),
        );
        const versions = await db.run(`SELECT version FROM ${db.table('schema_version')}`);
        assert.deepEqual(versions.map((r) => r.version).sort(), first.steps.map((s) => s.version).sort());
      } finally {
        await store.close();
        await db.cleanup();
      }
    });

    it('two processes migrating at once apply each step once', async () => {
      const db = await backend.blank();
      try {
        const reports = await Promise.all([migrateInChild(db.env), migrateInChild(db.env)]);
        assert.deepEqual(
          reports.map((r) => r.status),
          ['ok', 'ok'],
        );
        const applied = reports.flatMap((r) => r.steps.filter((s) => s.status === 'applied').map((s) => s.version));
        assert.equal(applied.length, new Set(applied).size, 'no step applied twice');
        assert.deepEqual(
          applied.sort(compareVersions),
          reports[0]!.steps.map((s) => s.version).filter(appliedWhenFresh),
        );
      } finally {
        await db.cleanup();
      }
    });

    it('a step that fails rolls the whole upgrade back', async () => {
      const db = await backend.blank();
      try {
        // A view squatting on a table name: CREATE TABLE IF NOT EXISTS passes, the step's own check then fails.
        await db.run(`CREATE VIEW ${db.table(db.names.apiKeys)} AS SELECT 1 AS x`);
        await assert.rejects(
          openStore(loadConfig(db.env), quiet),
          (e: unknown) => e instanceof OmError && /2\.0\.3/.test(e.message),
        );
        assert.deepEqual(await db.tables(), []);
      } finally {
        await db.cleanup();
      }
    });

    it('refuses a database with tables but none of OpenMemory, and leaves it untouched', async () => {
      const db = await backend.blank();
      try {
        await db.run(`CREATE TABLE ${db.table('invoices')} (id integer PRIMARY KEY, total integer)`);
        await assert.rejects(
          openStore(loadConfig(db.env), quiet),
          (e: unknown) => e instanceof OmError && /none of OpenMemory/.test(e.message),
        );
        assert.deepEqual(await db.tables(), ['invoices']);
      } finally {
        await db.cleanup();
      }
    });

    it('refuses a schema newer than this program, and leaves it untouched', async () => {
      const db = await backend.blank();
      try {
        const store = await openStore(loadConfig(db.env), quiet);
        const m = item({ content: 'kept' });
        await store.insertMemories(userScope('u'), [m]);
        await store.close();
        await db.run(`INSERT INTO ${db.table('schema_version')} (version, applied_at) VALUES ('99.0.0', 1)`);
        const tables = await db.tables();
        await assert.rejects(
          openStore(loadConfig(db.env), quiet),
          (e: unknown) => e instanceof OmError && /99\.0\.0/.test(e.message),
        );
        assert.deepEqual(await db.tables(), tables);
        const reopened = await openStore(loadConfig(db.env), { migrate: false });
        assert.equal((await reopened.getMemory(userScope('u'), m.memory.id))?.content, 'kept');
        await reopened.close();
      } finally {
        await db.cleanup();
      }
    });
  });
}
