/**
 * With a remote embedder configured, the upgrade re-embeds upstream's vectors (no recorded
 * model) through the provider and keeps, byte for byte, the vectors whose recorded model is the
 * configured one: those are not sent to the provider again.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createEmbedder } from '../../src/embed/create.js';
import { migrateCommand } from '../../src/interfaces/cli/migrate.js';
import { verifyAgainstFreshInstall } from '../../src/store/migrate/verify-install.js';
import { storedUserScope } from '../../src/store/scope.js';
import { fakeOpenAi } from '../embed/fake-providers.js';
import type { FakeServer } from '../embed/fake-server.js';
import { allFixtures } from './fixtures.js';
import { io, prepareFixture, withStore } from './harness.js';

/** Upstream's vectors have 256 dimensions; the provider answers in the same size, so only the model tells them apart. */
const DIM = 256;
let fake: FakeServer;
before(async () => (fake = await fakeOpenAi('sk-test', DIM)));
after(() => fake.close());

const fixtures = allFixtures().filter(
  (f) => f.set === 'pre-1.2' && (f.file === 'openmemory-v1.1.sqlite' || f.file === 'pg-public.sql'),
);

for (const f of fixtures) {
  test(`upgrade with a remote embedder keeps vectors of the configured model (${f.engine})`, async () => {
    const db = await prepareFixture(f);
    try {
      const remoteEnv = {
        ...db.env,
        OM_EMBEDDINGS: 'openai',
        OM_OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: 'sk-test',
        OM_VEC_DIM: String(DIM),
      };
      const model = createEmbedder(loadConfig(remoteEnv)).id;
      const schemaOnly = io(db.env);
      assert.equal(
        await migrateCommand(['up', '--no-backup', '--no-reembed'], schemaOnly.io),
        0,
        schemaOnly.err.join('\n'),
      );

      // One user's vectors as OpenMemory would have written them with the configured provider.
      const user = f.manifest.memories.find((m) => m.user_id !== null && m.user_id.length < 64)!.user_id;
      const ids = f.manifest.memories.filter((m) => m.user_id === user).map((m) => m.id);
      const table = f.engine === 'sqlite' ? 'vectors' : f.vectorsTable;
      await db.sql(`UPDATE ${table} SET model = '${model}' WHERE user_id = '${user}'`);
      const kept = await withStore(db, (s) => s.getVectors(storedUserScope(user), ids));
      assert.ok(kept.size > 0, 'the user has vectors');
      const upstream = await withStore(db, async (s) => (await verifyAgainstFreshInstall(db.config, s)).data);

      const requestsBefore = fake.requests.length;
      const up = io(remoteEnv);
      assert.equal(await migrateCommand(['up', '--no-backup'], up.io), 0, up.err.join('\n'));
      assert.ok(fake.requests.length > requestsBefore, 'upstream vectors went to the provider');
      const sent = new Set(fake.requests.slice(requestsBefore).flatMap((r) => r.json.input as string[]));
      const redone = Number(/re-embedded (\d+) memories/.exec(up.out.join('\n'))?.[1]);
      assert.ok(
        redone > 0 && redone <= upstream.rows.memories! - kept.size,
        `${redone} memories re-embedded, ${kept.size} kept`,
      );

      await withStore(db, async (s) => {
        const after = await s.getVectors(storedUserScope(user), ids);
        assert.deepEqual(after, kept, 'vectors of the configured model are kept as they were');
        for (const m of await s.getMemories(storedUserScope(user), ids))
          assert.ok(!sent.has(m.content), 'a kept memory is not embedded again');
        const checks = (await verifyAgainstFreshInstall(db.config, s)).data;
        assert.equal(checks.vectorsWithoutModel, 0);
        assert.equal(checks.vectorsWithOtherUser, 0);
      });
    } finally {
      await db.cleanup();
    }
  });
}
