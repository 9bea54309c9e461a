/**
 * Every upstream fixture database, upgraded on its own backend by `openmemory migrate up`:
 * nothing of the manifest is lost, vectors and links carry their memory's user, a second run
 * changes nothing, the schema matches a fresh install, and the engine finds the old memories
 * under their user (and default-user rows with no user) and never under another.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Memory } from '../../src/engine/memory.js';
import { createLogger } from '../../src/log.js';
import { migrateCommand } from '../../src/interfaces/cli/migrate.js';
import { verifyAgainstFreshInstall } from '../../src/store/migrate/verify-install.js';
import { storedUserScope, userScope } from '../../src/store/scope.js';
import { allFixtures, type Fixture } from './fixtures.js';
import {
  fixtureLabel,
  io,
  missingFromManifest,
  prepareFixture,
  withStore,
  withUpgradedOwners,
  type PreparedDb,
} from './harness.js';

/** Memories worth querying for: unique enough text that a query made of its words should find it. */
function samples(f: Fixture, contents: Map<string, string>): Array<{ id: string; user: string | null; query: string }> {
  const picked: Array<{ id: string; user: string | null; query: string }> = [];
  const perUser = new Map<string | null, number>();
  for (const m of f.manifest.memories) {
    const text = contents.get(m.id);
    if (!text || text.length < 60 || text.length > 3000 || (m.user_id?.length ?? 0) > 256) continue;
    if ((perUser.get(m.user_id) ?? 0) >= 8) continue;
    perUser.set(m.user_id, (perUser.get(m.user_id) ?? 0) + 1);
    picked.push({ id: m.id, user: m.user_id, query: text.split(/\s+/).slice(0, 12).join(' ') });
  }
  return picked;
}

async function recallCheck(f: Fixture, db: PreparedDb) {
  const logged: string[] = [];
  const engine = await Memory.open({
    config: db.config,
    jobs: false,
    logger: createLogger('warn', {}, (l) => logged.push(l)),
  });
  try {
    const contents = new Map<string, string>();
    for (const user of new Set(f.manifest.memories.map((m) => m.user_id))) {
      const ids = f.manifest.memories.filter((m) => m.user_id === user).map((m) => m.id);
      for (const m of await engine.store.getMemories(storedUserScope(user), ids)) contents.set(m.id, m.content);
    }
    const picked = samples(f, contents);
    assert.ok(picked.length >= 5, 'enough sample memories');
    const users = [...new Set(f.manifest.memories.map((m) => m.user_id))];
    let found = 0;
    for (const s of picked) {
      const own = await engine.query(userScope(s.user), { query: s.query, k: 10, reinforce: false });
      if (own.matches.some((m) => m.id === s.id)) found++;
      const other = users.find((u) => u !== s.user) ?? 'nobody-else';
      const foreign = await engine.query(storedUserScope(other), { query: s.query, k: 10, reinforce: false });
      assert.ok(!foreign.matches.some((m) => m.id === s.id), `memory ${s.id} must not be found under another user`);
    }
    // Upstream itself found 40–48 of 55; re-embedded vectors plus full text must do at least as well.
    assert.ok(
      found >= Math.ceil(picked.length * 0.8),
      `found ${found} of ${picked.length} sampled memories under their user`,
    );
    if (f.manifest.memories.some((m) => m.user_id === null))
      assert.ok(
        picked.some((s) => s.user === null),
        'default-user rows are sampled',
      );

    // Every upgraded owner is reachable by the jobs, also ids no request may send (the 566-character one).
    const listed = new Set(await engine.adminListUsers());
    for (const user of users) assert.ok(listed.has(user), `user ${String(user).slice(0, 40)} is listed`);
    for (const job of ['decay', 'prune', 'reflect', 'summaries'] as const) await engine.runJob(job);
    assert.deepEqual(
      logged.filter((l) => JSON.parse(l).level === 'error'),
      [],
      'no job failed on upgraded data',
    );
  } finally {
    await engine.close();
  }
}

/** Rows of an upstream table in the manifest (PostgreSQL lists them schema-qualified). */
function upstreamRows(f: Fixture, table: string): number {
  const tables = (f.manifest as { tables?: Record<string, number> }).tables ?? {};
  return tables[table] ?? tables[`${f.schema}.${table}`] ?? 0;
}

for (const upstream of allFixtures()) {
  const f = withUpgradedOwners(upstream);
  describe(`upgrade ${fixtureLabel(f)}`, () => {
    test('migrate up keeps every manifest memory under its user, fixes ownership, matches a fresh install, is idempotent', async () => {
      const db = await prepareFixture(f);
      try {
        // The schema alone already gives every vector and link its memory's user (per-user search depends on it).
        const schema = io(db.env);
        assert.equal(await migrateCommand(['up', '--no-backup', '--no-reembed'], schema.io), 0, schema.err.join('\n'));
        await withStore(db, async (store) => {
          const { data } = await verifyAgainstFreshInstall(db.config, store);
          assert.equal(data.vectorsWithOtherUser, 0, "vectors carry their memory's user before any re-embedding");
          assert.equal(data.waypointsWithOtherUser, 0);
        });
        const first = io(db.env);
        assert.equal(await migrateCommand(['up', '--no-backup'], first.io), 0, first.err.join('\n'));
        assert.ok(first.out.includes('schema up to date'));

        await withStore(db, async (store) => {
          assert.deepEqual(await missingFromManifest(store, f), []);
          const again = await store.migrate();
          assert.equal(again.status, 'ok');
          assert.deepEqual(
            again.steps.filter((s) => s.status !== 'skipped'),
            [],
            'a second run changes nothing',
          );
          const verify = await verifyAgainstFreshInstall(db.config, store);
          assert.deepEqual(verify.drift, []);
          assert.equal(verify.data.vectorsWithOtherUser, 0);
          assert.equal(verify.data.waypointsWithOtherUser, 0);
          assert.equal(verify.data.vectorsWithoutModel, 0, 'upstream vectors were re-embedded');
          assert.equal(verify.data.rows.memories, f.manifest.memories.length);
          assert.equal(
            verify.data.withoutVectors.count,
            0,
            "every memory has vectors after re-embedding (upstream's ingest root too)",
          );
          for (const repaired of ['memories.segment_not_integer', 'memories.version_null'])
            assert.equal(verify.data.misplaced[repaired], undefined);
          assert.equal(
            verify.data.rows.temporalFacts,
            upstreamRows(upstream, 'temporal_facts'),
            'every upstream temporal fact is kept',
          );
          assert.ok((verify.data.rows.stats ?? 0) >= upstreamRows(upstream, 'stats'), 'upstream stats rows are kept');
        });
        const before = await db.dump();
        const second = io(db.env);
        assert.equal(await migrateCommand(['up'], second.io), 0);
        assert.equal(await db.dump(), before, 'a second `migrate up` leaves the database byte-for-byte as it was');
        assert.ok(!second.out.some((l) => l.startsWith('backup:')), 'nothing pending, so no backup is taken');

        await recallCheck(f, db);
      } finally {
        await db.cleanup();
      }
    });
  });
}
