/**
 * Databases that upstream's own upgrade attempts left half-done (reference §2.3 and
 * upstream-upgrade-findings.md §4) are recognised from their schema, not their version rows,
 * and completed without losing a row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrateCommand } from '../../src/interfaces/cli/migrate.js';
import { describeLayout } from '../../src/store/migrate/layout.js';
import { verifyAgainstFreshInstall } from '../../src/store/migrate/verify-install.js';
import { userScope } from '../../src/store/scope.js';
import { allFixtures } from './fixtures.js';
import { io, missingFromManifest, prepareFixture, withStore, type PreparedDb } from './harness.js';

const fixture = (set: string, file: string) => allFixtures().find((f) => f.set === set && f.file === file)!;

/** Runs statements one by one and carries on after errors, as `psql -f` and `sqlite3` do by default. */
async function runLikeAShell(db: PreparedDb, statements: string[]): Promise<number> {
  let failed = 0;
  for (const s of statements) await db.sql(s).catch(() => failed++);
  return failed;
}

async function upgradeAndCheck(db: PreparedDb, set: string, file: string, expectLayout: RegExp) {
  await withStore(db, async (store) =>
    assert.match(describeLayout(await store.migrationTarget().introspect()), expectLayout),
  );
  const status = io(db.env);
  assert.equal(await migrateCommand(['status'], status.io), 3, 'steps are pending whatever the version rows say');
  const up = io(db.env);
  assert.equal(await migrateCommand(['up', '--no-backup'], up.io), 0, up.err.join('\n'));
  await withStore(db, async (store) => {
    assert.deepEqual(await missingFromManifest(store, fixture(set, file)), []);
    const verify = await verifyAgainstFreshInstall(db.config, store);
    assert.deepEqual(verify.drift, []);
    assert.equal(verify.data.vectorsWithOtherUser + verify.data.waypointsWithOtherUser, 0);
  });
}

test('PostgreSQL: the migration document run outside a transaction (waypoints left without a key) is completed', async () => {
  const db = await prepareFixture(fixture('pre-1.2', 'pg-public.sql'));
  try {
    const failures = await runLikeAShell(db, [
      'ALTER TABLE openmemory_memories ADD COLUMN user_id TEXT',
      'CREATE INDEX idx_memories_user ON openmemory_memories(user_id)',
      'ALTER TABLE openmemory_vectors ADD COLUMN user_id TEXT',
      'CREATE INDEX idx_vectors_user ON openmemory_vectors(user_id)',
      'ALTER TABLE openmemory_waypoints ADD COLUMN user_id TEXT',
      'ALTER TABLE openmemory_waypoints DROP CONSTRAINT openmemory_waypoints_pkey',
      'ALTER TABLE openmemory_waypoints ADD PRIMARY KEY (src_id, user_id)',
      'CREATE INDEX idx_waypoints_user ON openmemory_waypoints(user_id)',
      'CREATE TABLE openmemory_users (user_id TEXT PRIMARY KEY, summary TEXT, reflection_count INTEGER DEFAULT 0, created_at BIGINT, updated_at BIGINT)',
    ]);
    assert.equal(failures, 3, 'the same three statements fail as in the findings');
    await upgradeAndCheck(db, 'pre-1.2', 'pg-public.sql', /half-migrated/);
  } finally {
    await db.cleanup();
  }
});

test("PostgreSQL: release 1.1.1 after v1.2's migrator stopped half-way (user_id added, old key kept) is completed", async () => {
  const db = await prepareFixture(fixture('release-1.1.1', 'pg-public.sql'));
  try {
    const failures = await runLikeAShell(db, [
      'ALTER TABLE openmemory_memories ADD COLUMN IF NOT EXISTS user_id TEXT',
      'CREATE INDEX IF NOT EXISTS openmemory_memories_user_idx ON openmemory_memories(user_id)',
      'ALTER TABLE openmemory_vectors ADD COLUMN IF NOT EXISTS user_id TEXT',
      'CREATE INDEX IF NOT EXISTS openmemory_vectors_user_idx ON openmemory_vectors(user_id)',
      'ALTER TABLE openmemory_waypoints ADD COLUMN IF NOT EXISTS user_id TEXT',
      'ALTER TABLE openmemory_waypoints DROP CONSTRAINT IF EXISTS waypoints_pkey',
      'ALTER TABLE openmemory_waypoints ADD PRIMARY KEY (src_id, user_id)',
    ]);
    assert.equal(failures, 1, '"multiple primary keys" stops it, as in the findings');
    await upgradeAndCheck(db, 'release-1.1.1', 'pg-public.sql', /release 1\.1\.x/);
  } finally {
    await db.cleanup();
  }
});

test("SQLite: a pre-1.2 file that v1.2's migrator stamped 1.2.0 without changing it is upgraded", async () => {
  const db = await prepareFixture(fixture('pre-1.2', 'openmemory-v1.1.sqlite'));
  try {
    await db.sql(
      `CREATE TABLE schema_version(version text primary key, applied_at integer); INSERT INTO schema_version VALUES ('1.2.0', 1762500000000)`,
    );
    await upgradeAndCheck(db, 'pre-1.2', 'openmemory-v1.1.sqlite', /pre-1\.2/);
  } finally {
    await db.cleanup();
  }
});

test('SQLite: the migration document run with errors ignored, then duplicate (src, NULL) links piled up, keeps the strongest link', async () => {
  const f = fixture('pre-1.2', 'openmemory-v1.1.sqlite');
  const db = await prepareFixture(f);
  try {
    const failures = await runLikeAShell(db, [
      'ALTER TABLE memories ADD COLUMN user_id TEXT',
      'CREATE INDEX idx_memories_user ON memories(user_id)',
      'ALTER TABLE vectors ADD COLUMN user_id TEXT',
      'CREATE INDEX idx_vectors_user ON vectors(user_id)',
      'CREATE TABLE waypoints_new (src_id TEXT, dst_id TEXT NOT NULL, user_id TEXT, weight REAL NOT NULL, created_at INTEGER, updated_at INTEGER, PRIMARY KEY(src_id, user_id))',
      'INSERT INTO waypoints_new SELECT src_id, dst_id, NULL, weight, created_at, updated_at FROM waypoints',
      'DROP TABLE waypoints',
      'ALTER TABLE waypoints_new RENAME TO waypoints',
      'CREATE INDEX idx_waypoints_src ON waypoints(src_id)',
      'CREATE INDEX idx_waypoints_dst ON waypoints(dst_id)',
      'CREATE INDEX idx_waypoints_user ON waypoints(user_id)',
      'CREATE TABLE users (user_id TEXT PRIMARY KEY, summary TEXT, reflection_count INTEGER DEFAULT 0, created_at INTEGER, updated_at INTEGER)',
    ]);
    assert.equal(failures, 3);
    // A default-user memory with a link to another default-user memory: v1.2 then added the same link twice more.
    const defaults = f.manifest.memories.filter((m) => m.user_id === null).map((m) => m.id);
    const [src, dst] = defaults;
    await db.sql(`DELETE FROM waypoints WHERE src_id = '${src}'`);
    await db.sql(
      `INSERT INTO waypoints VALUES ('${src}', '${dst}', NULL, 0.2, 1, 1), ('${src}', '${dst}', NULL, 0.7, 2, 2), ('${src}', '${dst}', NULL, 0.4, 3, 3)`,
    );
    await upgradeAndCheck(db, 'pre-1.2', 'openmemory-v1.1.sqlite', /OpenMemory v1\.2/);
    await withStore(db, async (store) => {
      const links = await store.outgoingWaypoints(userScope(null), [src!]);
      assert.deepEqual(
        links.map((l) => [l.dstId, l.weight]),
        [[dst, 0.7]],
      );
    });
  } finally {
    await db.cleanup();
  }
});

test('SQLite: an older release whose memories lack more v1.2 columns (mean_dim, mean_vec) is lifted the same way', async () => {
  const db = await prepareFixture(fixture('release-1.1.1', 'openmemory-v1.1.1.sqlite'));
  try {
    await db.sql('ALTER TABLE memories DROP COLUMN mean_vec; ALTER TABLE memories DROP COLUMN mean_dim');
    await upgradeAndCheck(db, 'release-1.1.1', 'openmemory-v1.1.1.sqlite', /release 1\.1\.x/);
  } finally {
    await db.cleanup();
  }
});
