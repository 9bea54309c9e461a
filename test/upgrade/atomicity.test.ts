/**
 * An upgrade applies completely or not at all: a failure injected after the SQL of any step
 * (inside its transaction) leaves a full dump of the database exactly as before, and the
 * database still upgrades afterwards. Databases this program must not touch are refused, unchanged.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { migrateCommand } from '../../src/interfaces/cli/migrate.js';
import { openStore } from '../../src/store/open.js';
import type { MigrationTarget } from '../../src/store/migrate/types.js';
import { pendingSteps, upgradeAtomically } from '../../src/store/migrate/upgrade.js';
import { tmpDir } from '../helpers/tmp.js';
import { allFixtures, type Fixture } from './fixtures.js';
import { fixtureLabel, io, prepareFixture, prepareSqlite, withStore, type PreparedDb } from './harness.js';

function failingAfter(target: MigrationTarget, version: string): MigrationTarget {
  return {
    ...target,
    steps: target.steps.map((s) =>
      s.version !== version
        ? s
        : {
            ...s,
            async up(ctx) {
              await s.up(ctx);
              throw new Error(`injected failure after step ${version}`);
            },
          },
    ),
  };
}

const legacy = (f: Fixture) => f.set !== 'v1.2' && !f.file.includes('large');

for (const f of allFixtures().filter(legacy)) {
  test(`a failure after any step of ${fixtureLabel(f)} leaves the database exactly as before`, async () => {
    const db = await prepareFixture(f);
    try {
      const before = await db.dump();
      await withStore(db, async (store) => {
        const target = store.migrationTarget();
        const pending = pendingSteps((await upgradeAtomically(target, { dryRun: true })).report).map((s) => s.version);
        assert.ok(pending.length >= 5, `steps to inject into: ${pending.join(', ')}`);
        for (const version of pending) {
          const { report } = await upgradeAtomically(failingAfter(target, version));
          assert.equal(report.status, 'failed');
          const failed = report.steps.find((s) => s.status === 'failed');
          assert.equal(failed?.version, version);
          assert.match(failed?.error ?? '', /injected failure/);
          assert.ok(
            report.steps.every((s) => s.status !== 'applied'),
            'nothing reported as applied after a rollback',
          );
          assert.equal(await db.dump(), before, `database changed by the failed upgrade at step ${version}`);
        }
        assert.equal((await store.migrate()).status, 'ok', 'the untouched database still upgrades');
      });
      assert.notEqual(await db.dump(), before);
    } finally {
      await db.cleanup();
    }
  });
}

async function expectRefused(db: PreparedDb, reason: RegExp) {
  const before = await db.dump();
  for (const sub of ['status', 'plan', 'up']) {
    const run = io(db.env);
    assert.equal(await migrateCommand([sub], run.io), 5, `migrate ${sub} exits 5`);
    assert.match(run.err.join('\n'), reason);
  }
  await assert.rejects(openStore(db.config), (e: Error) => reason.test(e.message));
  assert.equal(await db.dump(), before, 'a refused database is left unchanged');
}

describe('refusals', () => {
  const v12 = allFixtures().filter((f) => f.set === 'v1.2');
  for (const f of v12) {
    test(`a database newer than the program is refused unchanged (${f.engine})`, async () => {
      const db = await prepareFixture(f);
      try {
        await withStore(db, async (store) => assert.equal((await store.migrate()).status, 'ok'));
        await db.sql(`INSERT INTO schema_version (version, applied_at) VALUES ('9.0.0', 0)`);
        await expectRefused(db, /newer than this program/);
      } finally {
        await db.cleanup();
      }
    });
  }

  test('a SQLite file of another application is refused unchanged', async () => {
    const tmp = tmpDir();
    try {
      const db = await prepareSqlite(path.join(tmp.dir, 'invoices.sqlite'));
      await db.sql(`CREATE TABLE invoices(id integer primary key, total real); INSERT INTO invoices VALUES (1, 9.5);`);
      await expectRefused(db, /none of OpenMemory/);
    } finally {
      tmp.cleanup();
    }
  });

  test('a PostgreSQL schema of another application is refused unchanged', async () => {
    const f = v12.find((x) => x.engine === 'postgresql')!;
    const db = await prepareFixture(f);
    try {
      await db.sql(`DROP TABLE openmemory_memories, openmemory_vectors, openmemory_waypoints, openmemory_users, openmemory_embed_logs;
        CREATE TABLE invoices(id integer primary key, total real); INSERT INTO invoices VALUES (1, 9.5);`);
      await expectRefused(db, /none of OpenMemory/);
    } finally {
      await db.cleanup();
    }
  });
});
