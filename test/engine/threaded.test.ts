/**
 * The engine on its worker thread answers every MemoryEngine method and the API key table like
 * the engine in process, keeps typed errors typed, refuses to start with the reason when the
 * engine cannot open, and fails calls as `unavailable` once closed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OmError } from '../../src/errors.js';
import { startThreadedEngine } from '../../src/engine/thread/threaded-engine.js';
import { userScope } from '../../src/store/scope.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof OmError && err.code === code);
}

const BACKENDS = [
  {
    name: 'sqlite',
    async env() {
      const t = tmpDir('om-thread-');
      return {
        env: { OM_DB_PATH: `${t.dir}/om.sqlite`, OM_LOG_LEVEL: 'silent', OM_MODEL_MEMORY_MB: '90' },
        cleanup: async () => t.cleanup(),
      };
    },
  },
  {
    name: 'postgres',
    async env() {
      const s = await freshPgSchema('thread');
      return {
        env: {
          OM_METADATA_BACKEND: 'postgres',
          OM_PG_URL: s.url,
          OM_PG_SCHEMA: s.schema,
          OM_LOG_LEVEL: 'silent',
          OM_MODEL_MEMORY_MB: '90',
        },
        cleanup: s.drop,
      };
    },
  },
];

for (const [backend, threads] of BACKENDS.flatMap(
  (b) =>
    [
      [b, 1],
      [b, 3],
    ] as const,
)) {
  describe(`the engine on ${threads} worker thread(s) (${backend.name})`, () => {
    test('answers every method, keeps errors typed, serves the key table, and fails calls once closed', async () => {
      const { env, cleanup } = await backend.env();
      const stopped: Error[] = [];
      const engine = await startThreadedEngine(env, { threads, onStopped: (err) => stopped.push(err) });
      try {
        const ann = userScope('ann');
        const added = await engine.add(ann, {
          content: 'Ann keeps the spare key under the blue flowerpot',
          tags: ['home'],
        });
        const more = await engine.addMany(ann, [
          { content: 'Ann flies to Lisbon on Friday' },
          { content: 'Ann prefers window seats' },
        ]);
        assert.equal(more.length, 2);
        const { matches } = await engine.query(ann, { query: 'where is the spare key?', k: 3 });
        assert.equal(matches[0]?.id, added.id);
        assert.deepEqual(matches[0]?.tags, ['home']);
        assert.equal((await engine.get(ann, added.id)).content, 'Ann keeps the spare key under the blue flowerpot');
        assert.equal((await engine.list(ann, { limit: 10 })).length, 3);
        assert.equal((await engine.update(ann, added.id, { tags: ['home', 'keys'] })).tags?.length, 2);
        assert.equal(await engine.link(ann, added.id, [more[0]!.id], 0.5), 1);
        assert.ok((await engine.links(ann, [added.id])).some((l) => l.from === added.id && l.to === more[0]!.id));
        const exported = await engine.exportPage(ann, { offset: 0, limit: 2, withVectors: false });
        assert.equal(exported.memories, 2);
        assert.equal((await engine.importLines(ann, { lines: exported.lines })).skipped, 2, 'ids it has are skipped');
        await rejectsWith(engine.importLines(userScope('bo'), { lines: exported.lines }), 'validation_error');
        assert.ok((await engine.reinforce(ann, added.id)) > 0);
        assert.equal((await engine.userStats(ann)).memories, 3);
        assert.ok(typeof (await engine.userSummary(ann)).summary === 'string');
        assert.ok(typeof (await engine.regenerateSummary(ann)).summary === 'string');
        const fact = await engine.addFact(ann, {
          subject: 'Ann',
          predicate: 'flies_to',
          object: 'Lisbon',
          validFrom: 1_000,
          confidence: 1,
          metadata: null,
        });
        await engine.addFact(ann, {
          subject: 'Ann',
          predicate: 'flies_to',
          object: 'Porto',
          validFrom: 2_000,
          confidence: 0.9,
          metadata: null,
        });
        assert.deepEqual(
          (await engine.findFacts(ann, { subject: 'Ann', at: 1_500, order: 'time' })).map((f) => f.object),
          ['Lisbon'],
        );
        assert.equal((await engine.updateFact(ann, fact.id, { confidence: 0.5 })).confidence, 0.5);
        assert.equal((await engine.factTimeline(ann, 'Ann')).length, 3);
        assert.equal((await engine.compareFacts(ann, 'Ann', 1_500, 2_500)).changed.length, 1);
        assert.deepEqual(await engine.factStats(ann), {
          active_facts: 1,
          historical_facts: 1,
          total_facts: 2,
          historical_percentage: '50.00%',
        });
        assert.equal((await engine.volatileFacts(ann, 'Ann', 5))[0]?.change_count, 2);
        assert.equal(await engine.adminDecayFacts(0.01), 1);
        assert.equal(await engine.adminMemoryOwner(added.id), 'ann');
        assert.equal(await engine.adminMemoryOwner('00000000-0000-4000-8000-000000000000'), undefined);
        await rejectsWith(engine.updateFact(userScope('bo'), fact.id, { confidence: 0.1 }), 'not_found');
        // Users divided among the workers: each sees its own, the admin calls see them all.
        const others = ['bo', 'cy', 'di', 'ed'].map((u) => userScope(u));
        for (const u of others) await engine.add(u, { content: `${u.userId} likes green tea` });
        for (const u of others) assert.equal((await engine.query(u, { query: 'green tea', k: 5 })).matches.length, 1);
        assert.deepEqual((await engine.adminListUsers()).sort(), ['ann', 'bo', 'cy', 'di', 'ed']);
        assert.ok((await engine.adminSectorStats()).length > 0);
        assert.ok(Array.isArray(await engine.jobStats(0)));
        assert.deepEqual(await engine.embeddingMetrics(), {});
        assert.equal((await engine.modelStats()).users, 5);
        assert.equal((await engine.modelStats()).budgetBytes, 90 * 2 ** 20, 'the workers share OM_MODEL_MEMORY_MB');

        await rejectsWith(engine.get(ann, '00000000-0000-4000-8000-000000000000'), 'not_found');
        await rejectsWith(engine.add(ann, { content: '' }), 'validation_error');
        await rejectsWith(engine.get(userScope('bob'), added.id), 'not_found');

        await engine.keys.adminCreateApiKey({
          id: 'k1',
          userKey: 'ann',
          role: 'user',
          label: 'laptop',
          hash: 'ab'.repeat(32),
          createdAt: 1,
          revokedAt: null,
          lastUsedAt: null,
        });
        assert.equal((await engine.keys.adminFindApiKey('ab'.repeat(32)))?.userKey, 'ann');

        await engine.delete(ann, more[1]!.id);
        assert.equal((await engine.deleteUser(ann)).memories, 2);
      } finally {
        await engine.close();
        await cleanup();
      }
      await rejectsWith(engine.adminListUsers(), 'unavailable');
      assert.deepEqual(stopped, [], 'a closed engine is no failure');
    });
  });
}

test('an engine that cannot open refuses to start, with its reason', async () => {
  const t = tmpDir('om-thread-');
  try {
    await assert.rejects(
      startThreadedEngine({ OM_DB_PATH: `${t.dir}/om.sqlite`, OM_VEC_DIM: 'many', OM_LOG_LEVEL: 'silent' }),
      /OM_VEC_DIM/,
    );
  } finally {
    t.cleanup();
  }
});
