/**
 * Start-up with OM_AUTO_MIGRATE (default on) upgrades an upstream database and re-embeds its
 * vectors before the engine serves; with it off, an old schema is refused clearly and untouched.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { verifyAgainstFreshInstall } from '../../src/store/migrate/verify-install.js';
import { openStore } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import { allFixtures } from './fixtures.js';
import { missingFromManifest, prepareFixture, withStore } from './harness.js';

const pre12 = allFixtures().filter(
  (f) => f.set === 'pre-1.2' && !f.file.includes('large') && f.file !== 'pg-custom.sql',
);

for (const f of pre12) {
  test(`start-up on ${f.set}/${f.file} upgrades, re-embeds and serves the old memories (${f.engine})`, async () => {
    const db = await prepareFixture(f);
    try {
      const engine = await Memory.open({ config: db.config, jobs: false });
      try {
        assert.equal(engine.modelStatus.ok, true, engine.modelStatus.message ?? '');
        const owned = f.manifest.memories.find((m) => m.user_id !== null && m.user_id.length < 64)!;
        const [memory] = await engine.store.getMemories(userScope(owned.user_id), [owned.id]);
        const found = await engine.query(userScope(owned.user_id), {
          query: memory!.content.slice(0, 200),
          k: 10,
          reinforce: false,
        });
        assert.ok(found.matches.some((m) => m.id === owned.id));
      } finally {
        await engine.close();
      }
      await withStore(db, async (store) => {
        assert.deepEqual(await missingFromManifest(store, f), []);
        const verify = await verifyAgainstFreshInstall(db.config, store);
        assert.deepEqual(verify.drift, []);
        assert.equal(verify.data.vectorsWithoutModel, 0);
      });
    } finally {
      await db.cleanup();
    }
  });

  test(`OM_AUTO_MIGRATE=false refuses ${f.set}/${f.file} clearly and leaves it unchanged (${f.engine})`, async () => {
    const db = await prepareFixture(f);
    try {
      const before = await db.dump();
      const config = loadConfig({ ...db.env, OM_AUTO_MIGRATE: 'false' });
      await assert.rejects(openStore(config), /needs an upgrade \(OpenMemory pre-1\.2.*openmemory migrate up/);
      assert.equal(await db.dump(), before);
    } finally {
      await db.cleanup();
    }
  });
}
