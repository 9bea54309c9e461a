/**
 * What releases after v1.2 left (fixtures release-1.2.3, release-1.3.0, head-7a5e7c8): the
 * head's layout is recognised and upgraded at start-up; `anonymous` and the head's key tenants
 * become the users a caller reaches (the default user without a name, OM_UPGRADE_USER_MAP for
 * the rest); upstream's temporal facts stay under their user; PostgreSQL's leftover `stats`
 * is carried into ours, whose indexes then exist by our names on our table, which verify checks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { migrateCommand } from '../../src/interfaces/cli/migrate.js';
import { upgradeSettings, upstreamTenant } from '../../src/store/migrate/user-map.js';
import { verifyAgainstFreshInstall } from '../../src/store/migrate/verify-install.js';
import { DEFAULT_SCOPE, userScope } from '../../src/store/scope.js';
import { allFixtures, type Fixture } from './fixtures.js';
import { io, missingFromManifest, prepareFixture, withStore, withUpgradedOwners } from './harness.js';

test('OM_UPGRADE_USER_MAP: pairs split at the first colon, @default for the default user, applied over the built-in renames', () => {
  const config = loadConfig({ OM_UPGRADE_USER_MAP: ' b60c30834404371a:dev:team/α , anonymous:guest,x:@default' });
  assert.deepEqual(config.upgradeUserMap, [
    ['b60c30834404371a', 'dev:team/α'],
    ['anonymous', 'guest'],
    ['x', null],
  ]);
  assert.throws(() => loadConfig({ OM_UPGRADE_USER_MAP: 'no-colon' }), /OM_UPGRADE_USER_MAP/);
  assert.throws(() => loadConfig({ OM_UPGRADE_USER_MAP: 'a:' }), /OM_UPGRADE_USER_MAP/);
  const renames = new Map(upgradeSettings('k', config.upgradeUserMap).userRenames);
  assert.deepEqual(
    [renames.get('anonymous'), renames.get('dev-no-auth'), renames.get(upstreamTenant('k')), renames.get('x')],
    ['guest', null, null, null],
  );
});

const fixture = (set: string, engine: Fixture['engine']) =>
  allFixtures().find((f) => f.set === set && f.engine === engine)!;
const perUser = (f: Fixture) => {
  const counts = new Map<string | null, number>();
  for (const m of f.manifest.memories) counts.set(m.user_id, (counts.get(m.user_id) ?? 0) + 1);
  return counts;
};

test("head-7a5e7c8: recognised, upgraded at start-up; the admin key's tenant, dev-no-auth and anonymous are the default user, a mapped tenant its user", async () => {
  const f = fixture('head-7a5e7c8', 'sqlite');
  const db = await prepareFixture(f);
  try {
    const status = io(db.env);
    assert.equal(await migrateCommand(['status'], status.io), 3);
    assert.match(status.out.join('\n'), /layout: OpenMemory head/);
    const drifted = io(db.env);
    assert.equal(await migrateCommand(['verify'], drifted.io), 4);
    assert.match(drifted.out.join('\n'), /^drift: missing_table vectors$/m);

    const alpha = upstreamTenant('fx-head-key-alpha');
    assert.equal(alpha, '0c998277c136c821', "head's tenant: the first 16 hex digits of sha256(key)");
    // The fixture's project_id columns are all NULL: one project, kept in the memory's metadata.
    const inProject = f.manifest.memories.find((m) => m.user_id === 'c550d2c5f9864147')!;
    await db.sql(`UPDATE memories SET project_id = 'proj-a' WHERE id = '${inProject.id}'`);
    const env = { ...db.env, OM_API_KEY: 'fx-head-key-alpha', OM_UPGRADE_USER_MAP: 'b60c30834404371a:beta' };
    const counts = perUser(f);
    const engine = await Memory.open({ config: loadConfig(env), jobs: false });
    try {
      const defaults = (counts.get(alpha) ?? 0) + (counts.get('anonymous') ?? 0) + (counts.get('dev-no-auth') ?? 0);
      assert.equal(
        (await engine.list(DEFAULT_SCOPE, { limit: 1000 })).length,
        defaults,
        'no user named: the key tenant, anonymous and dev-no-auth',
      );
      assert.equal((await engine.list(userScope('beta'), { limit: 1000 })).length, counts.get('b60c30834404371a'));
      assert.equal(
        (await engine.list(userScope('c550d2c5f9864147'), { limit: 1000 })).length,
        counts.get('c550d2c5f9864147'),
        'an unmapped tenant keeps its id',
      );
      assert.equal((await engine.list(userScope(alpha), { limit: 1000 })).length, 0);
      assert.equal((await engine.get(userScope('c550d2c5f9864147'), inProject.id)).metadata.project_id, 'proj-a');
      // Facts follow their tenant: head kept 4 per tenant, 12 for c550d2c5f9864147.
      const facts = async (scope: ReturnType<typeof userScope>) =>
        (await engine.findFacts(scope, { order: 'time' })).length;
      assert.deepEqual(
        [await facts(DEFAULT_SCOPE), await facts(userScope('beta')), await facts(userScope('c550d2c5f9864147'))],
        [8, 4, 12],
      );
      const [current] = await engine.findFacts(userScope('c550d2c5f9864147'), {
        subject: 'Ilse',
        predicate: 'prefers',
        current: true,
        order: 'time',
      });
      assert.equal(current?.object, 'stained glass', "an upgraded fact is served as the user's current one");
    } finally {
      await engine.close();
    }
    await withStore({ ...db, config: loadConfig(env) }, async (store) => {
      const verify = await verifyAgainstFreshInstall(db.config, store);
      assert.deepEqual(verify.drift, []);
      assert.equal(verify.data.withoutVectors.count, 0);
      assert.equal(verify.data.rows.temporalFacts, 24);
    });
    const verify = io(db.env);
    assert.equal(await migrateCommand(['verify'], verify.io), 0, verify.out.join('\n'));
  } finally {
    await db.cleanup();
  }
});

for (const f of ['release-1.2.3', 'release-1.3.0'].flatMap((set) => allFixtures().filter((x) => x.set === set))) {
  test(`${f.set} (${f.engine}): start-up upgrades it; memories stored as anonymous are found by callers naming no user`, async () => {
    const db = await prepareFixture(f);
    try {
      const anonymous = f.manifest.memories.filter((m) => m.user_id === 'anonymous');
      assert.ok(anonymous.length > 150, 'the fixture stores "no user" as anonymous');
      if (f.engine === 'sqlite') {
        // Before the upgrade, verify names upstream's misplaced values and the memory no vector reaches.
        const before = io(db.env);
        assert.equal(await migrateCommand(['verify'], before.io), 4);
        const out = before.out.join('\n');
        assert.match(out, /^note: memories\.segment_not_integer: \d+ rows as upstream wrote them$/m);
        assert.match(out, /^note: memories\.version_null: 1 rows/m);
        const root = f.manifest.memories.find((m) => (m.user_id?.length ?? 0) > 256)!;
        assert.match(
          out,
          new RegExp(`^note: 1 memories without vectors .*${root.id}`, 'm'),
          'the ingest root is named',
        );
      }
      const engine = await Memory.open({ config: db.config, jobs: false });
      try {
        const listed = new Set((await engine.list(DEFAULT_SCOPE, { limit: 1000 })).map((m) => m.id));
        assert.deepEqual(
          anonymous.filter((m) => !listed.has(m.id)),
          [],
        );
        const one = await engine.get(DEFAULT_SCOPE, anonymous[0]!.id);
        const found = await engine.query(DEFAULT_SCOPE, { query: one.content.slice(0, 200), k: 10, reinforce: false });
        assert.ok(
          found.matches.some((m) => m.id === one.id),
          'a query without user_id finds it',
        );
        assert.deepEqual(await engine.list(userScope('anonymous'), { limit: 10 }), []);
        // v1.2.3 and v1.3.0 kept facts without a user (only SQLite could store them): the default user's now.
        assert.equal((await engine.findFacts(DEFAULT_SCOPE, { order: 'time' })).length, f.engine === 'sqlite' ? 12 : 0);
      } finally {
        await engine.close();
      }
      await withStore(db, async (store) => {
        assert.deepEqual(await missingFromManifest(store, withUpgradedOwners(f)), []);
        const verify = await verifyAgainstFreshInstall(db.config, store);
        assert.deepEqual(verify.drift, []);
      });
    } finally {
      await db.cleanup();
    }
  });
}

test("release-1.2.3 (postgresql): upstream's stats rows carried over, our stats indexes on our table; verify notices an index of ours on another table", async () => {
  const f = fixture('release-1.2.3', 'postgresql');
  const db = await prepareFixture(f);
  try {
    const up = io(db.env);
    assert.equal(await migrateCommand(['up', '--no-reembed'], up.io), 0, up.err.join('\n'));
    assert.match(up.out.join('\n'), /stats\.carried_over=33/);
    const before = io(db.env);
    assert.equal(await migrateCommand(['verify'], before.io), 0, before.out.join('\n'));
    assert.match(before.out.join('\n'), /rows stats: 33/);

    await db.sql(
      'DROP INDEX openmemory_stats_ts_idx; CREATE INDEX openmemory_stats_ts_idx ON openmemory_users (updated_at)',
    );
    const drifted = io(db.env);
    assert.equal(await migrateCommand(['verify'], drifted.io), 4);
    assert.match(
      drifted.out.join('\n'),
      /drift: index_table openmemory_stats_ts_idx expected openmemory_stats found openmemory_users/,
    );
  } finally {
    await db.cleanup();
  }
});

test("release-1.2.3 (sqlite): `migrate up --user-map anonymous:guest` gives the memories stored without a user to a user of the operator's choice", async () => {
  const f = fixture('release-1.2.3', 'sqlite');
  const db = await prepareFixture(f);
  try {
    const up = io(db.env);
    assert.equal(
      await migrateCommand(['up', '--no-backup', '--no-reembed', '--user-map', 'anonymous:guest'], up.io),
      0,
      up.err.join('\n'),
    );
    await withStore(db, async (store) => {
      assert.equal(await store.countMemories(userScope('guest')), perUser(f).get('anonymous'));
      assert.equal(await store.countMemories(DEFAULT_SCOPE), 0);
    });
    await assert.rejects(migrateCommand(['up', '--user-map', 'nocolon'], io(db.env).io), /OM_UPGRADE_USER_MAP/);
  } finally {
    await db.cleanup();
  }
});
