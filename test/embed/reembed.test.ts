import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { Sector } from '../../src/core/types.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { Memory } from '../../src/engine/memory.js';
import { reembed, type ReembedProgress } from '../../src/engine/reembed.js';
import { createRemoteEmbedder } from '../../src/embed/providers/from-config.js';
import { progressLine, runReembed } from '../../src/interfaces/cli/reembed.js';
import { createLogger } from '../../src/log.js';
import { openStore } from '../../src/store/open.js';
import { userScope, type UserScope } from '../../src/store/scope.js';
import type { Store } from '../../src/store/store.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';
import { fakeOpenAi, openAiErrors } from './fake-providers.js';
import type { FakeServer } from './fake-server.js';

const SCOPES = { alice: userScope('alice'), bob: userScope('bob'), anon: userScope(null) };
const COUNTS = { alice: 30, bob: 12, anon: 5 };
const NEW_MODEL = 'openai:text-embedding-3-small/16';

interface Db {
  env: Record<string, string>;
  drop: () => Promise<void>;
}

const BACKENDS: Array<{ name: string; create: () => Promise<Db> }> = [
  {
    name: 'sqlite',
    create: async () => {
      const t = tmpDir('om-reembed-');
      return { env: { OM_DB_PATH: path.join(t.dir, 'om.sqlite') }, drop: async () => t.cleanup() };
    },
  },
  {
    name: 'postgres',
    create: async () => {
      const s = await freshPgSchema('reembed');
      return { env: { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: s.url, OM_PG_SCHEMA: s.schema }, drop: s.drop };
    },
  },
];

const WORDS = (
  'apple river mountain violin copper garden rocket pencil harbor lantern meadow falcon ' +
  'tunnel glacier orchid saddle compass marble thunder velvet canyon biscuit anchor quartz'
).split(' ');

/** Distinct enough that no two memories are deduplicated. */
function sentence(seed: number): string {
  const words = Array.from({ length: 8 }, (_, k) => WORDS[(seed * 7 + k * k * 3 + seed * k) % WORDS.length]);
  return `${words.join(' ')} ${seed}`;
}

/** Memories written with the synthetic embedder, as a database before a provider change. */
async function seed(env: Record<string, string>): Promise<void> {
  const memory = await Memory.open({
    config: loadConfig({ ...env, OM_LOG_LEVEL: 'silent' }),
    jobs: false,
    logger: createLogger('silent'),
  });
  try {
    for (const [who, n] of Object.entries(COUNTS)) {
      const scope = SCOPES[who as keyof typeof SCOPES];
      await memory.addMany(
        scope,
        Array.from({ length: n }, (_, i) => ({ content: `${who} note ${i}: ${sentence(who.length * 100 + i)}` })),
      );
    }
  } finally {
    await memory.close();
  }
}

async function modelsOf(
  store: Store,
  scope: UserScope,
): Promise<{ memories: number; models: Map<string | null, number> }> {
  const list = await store.listMemories(scope, { limit: 1000, offset: 0 });
  const vectors = await store.getVectors(
    scope,
    list.map((m) => m.id),
  );
  const models = new Map<string | null, number>();
  for (const m of list) {
    const own = vectors.get(m.id) ?? [];
    assert.ok(own.length > 0, `memory ${m.id} has vectors`);
    const model = new Set(own.map((v) => v.model)).size === 1 ? own[0]!.model : 'mixed';
    models.set(model, (models.get(model) ?? 0) + 1);
  }
  return { memories: list.length, models };
}

interface Seeded {
  db: Db;
  config: ReturnType<typeof loadConfig>;
  store: Store;
  embedder: ReturnType<typeof createRemoteEmbedder>;
}

for (const backend of BACKENDS) {
  describe(`reembed on ${backend.name}`, () => {
    let fake: FakeServer;
    before(async () => {
      fake = await fakeOpenAi('sk-test', 16);
    });
    after(() => fake.close());
    beforeEach(() => fake.heal());

    const providerEnv = (db: Db, extra: Record<string, string> = {}) => ({
      ...db.env,
      OM_LOG_LEVEL: 'silent',
      OM_EMBEDDINGS: 'openai',
      OM_OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_API_KEY: 'sk-test',
      OM_EMBED_MAX_RETRIES: '0',
      OM_EMBED_BATCH_SIZE: '4',
      ...extra,
    });

    /** A seeded database, a store on it and the provider's embedder, all released afterwards. */
    async function seeded(fn: (s: Seeded) => Promise<void>): Promise<void> {
      const db = await backend.create();
      try {
        await seed(db.env);
        const config = loadConfig(providerEnv(db));
        const store = await openStore(config);
        try {
          const embedder = createRemoteEmbedder(config);
          await embedder.verify();
          await fn({ db, config, store, embedder });
        } finally {
          await store.close();
        }
      } finally {
        await db.drop();
      }
    }

    test('interrupted halfway by a failing provider, then resumed: every memory on the new model, none lost', () =>
      seeded(async ({ config, store, embedder }) => {
        const total = COUNTS.alice + COUNTS.bob + COUNTS.anon;
        fake.failAfter(5, openAiErrors.overloaded);
        const progress: ReembedProgress[] = [];
        const first = await reembed(store, embedder, { batchSize: 4, onProgress: (p) => progress.push(p) });
        assert.equal(first.status, 'interrupted');
        assert.match(first.error!, /HTTP 503/);
        assert.equal(first.total, total);
        assert.ok(first.rewritten > 0 && first.rewritten < total, `rewrote ${first.rewritten}`);
        assert.equal(progress[0]!.done, 0);
        assert.equal(progress.at(-1)!.done, first.rewritten);

        // Halfway: each memory is entirely on one model or the other, and none is missing.
        let onNew = 0;
        for (const [who, scope] of Object.entries(SCOPES)) {
          const { memories, models } = await modelsOf(store, scope);
          assert.equal(memories, COUNTS[who as keyof typeof COUNTS]);
          assert.ok(!models.has('mixed'));
          onNew += models.get(NEW_MODEL) ?? 0;
        }
        assert.equal(onNew, first.rewritten);

        fake.heal();
        const second = await reembed(store, embedder, { batchSize: 4 });
        assert.equal(second.status, 'complete');
        assert.equal(second.total, total - first.rewritten, 'the second run only sees what is still stale');
        assert.equal(second.rewritten, second.total);
        for (const [who, scope] of Object.entries(SCOPES)) {
          const { memories, models } = await modelsOf(store, scope);
          assert.equal(memories, COUNTS[who as keyof typeof COUNTS]);
          assert.deepEqual([...models], [[NEW_MODEL, memories]]);
        }
        const stored = await store.adminVectorModels();
        assert.deepEqual(
          stored.map((m) => [m.model, m.dim]),
          [[NEW_MODEL, 16]],
        );

        const third = await reembed(store, embedder);
        assert.deepEqual([third.status, third.total], ['complete', 0]);

        // A re-embedded memory is found by a query made with the new model.
        const memory = await Memory.open({ config, store, embedder, jobs: false, logger: createLogger('silent') });
        const hit = await memory.query(SCOPES.bob, { query: `bob note 3: ${sentence(303)}`, k: 1, reinforce: false });
        assert.match(hit.matches[0]!.content, /^bob note 3:/);
        assert.ok(memory.modelStatus.ok);
      }));

    test('the engine keeps answering queries while a re-embed runs on the same database', () =>
      seeded(async ({ config }) => {
        const memory = await Memory.open({ config, jobs: false, logger: createLogger('silent') });
        try {
          fake.delayMs = 20;
          const answers: number[] = [];
          let running = true;
          const queries = (async () => {
            for (let i = 0; running || i < 3; i++) {
              const r = await memory.query(SCOPES.alice, {
                query: `alice note ${i % COUNTS.alice}: ${sentence(500 + (i % COUNTS.alice))}`,
                k: 3,
                reinforce: false,
              });
              answers.push(r.matches.length);
            }
          })();
          const report = await runReembed(config).finally(() => {
            running = false;
          });
          await queries;
          assert.equal(report.status, 'complete');
          assert.ok(answers.length >= 3);
          assert.ok(
            answers.every((n) => n > 0),
            `every query answered: ${answers.join(',')}`,
          );
          assert.equal(await memory.store.countMemories(SCOPES.alice), COUNTS.alice);
        } finally {
          fake.delayMs = 0;
          await memory.close();
        }
      }));

    test('--user and --sector limit the run; other users keep their vectors', () =>
      seeded(async ({ config, store }) => {
        const lines: string[] = [];
        const r = await runReembed(config, { user: 'bob', onProgress: (p) => lines.push(progressLine(p)) });
        assert.deepEqual([r.status, r.total, r.rewritten, r.embedder], ['complete', COUNTS.bob, COUNTS.bob, NEW_MODEL]);
        assert.match(
          lines.at(-1)!,
          new RegExp(`^\\[#{30}\\] ${COUNTS.bob}/${COUNTS.bob}  100\\.0%  [\\d.]+/s  ETA 0:00$`),
        );

        const anon = await runReembed(config, { user: null, sector: 'reflective' as Sector });
        assert.equal(anon.total, 0, 'no memory of the default user is reflective');

        assert.deepEqual([...(await modelsOf(store, SCOPES.bob)).models.keys()], [NEW_MODEL]);
        assert.ok(!(await modelsOf(store, SCOPES.alice)).models.has(NEW_MODEL));
        assert.ok(!(await modelsOf(store, SCOPES.anon)).models.has(NEW_MODEL));
        await assert.rejects(runReembed(config, { sector: 'dreams' }), /unknown sector "dreams"/);
      }));

    test('staleMemories pages by id, filters by sector, and drops what was replaced', () =>
      seeded(async ({ store, embedder }) => {
        const query = { model: embedder.id, dim: embedder.dim, limit: 7 };
        const pages: string[][] = [];
        for (let afterId: string | undefined; ; ) {
          const page = await store.staleMemories(SCOPES.alice, { ...query, ...(afterId ? { afterId } : {}) });
          pages.push(page.map((m) => m.id));
          if (page.length < query.limit) break;
          afterId = page.at(-1)!.id;
        }
        const ids = pages.flat();
        assert.equal(ids.length, COUNTS.alice);
        assert.equal(new Set(ids).size, ids.length, 'no memory twice');
        assert.deepEqual(
          pages.map((p) => p.length),
          [7, 7, 7, 7, 2],
        );
        const all = await store.staleMemories(SCOPES.alice, { ...query, limit: 1000 });
        assert.deepEqual(
          all.map((m) => m.id),
          ids,
          'pages follow one order',
        );
        assert.ok(all.every((m) => m.sectors.length > 0));

        const primary = all[0]!.primarySector;
        const inSector = await store.staleMemories(SCOPES.alice, { ...query, limit: 1000, sector: primary });
        assert.ok(inSector.length > 0 && inSector.every((m) => m.primarySector === primary));

        const [first] = await store.getMemories(SCOPES.alice, [ids[0]!]);
        const vector = { sector: 'semantic' as const, vector: new Float32Array(16).fill(0.25), model: embedder.id };
        await store.replaceVectors(SCOPES.alice, [
          { id: first!.id, expectedUpdatedAt: first!.updatedAt, vectors: [vector], meanVec: vector.vector },
        ]);
        const after = await store.staleMemories(SCOPES.alice, { ...query, limit: 1000 });
        assert.deepEqual(
          after.map((m) => m.id),
          ids.slice(1),
        );
        assert.deepEqual(await store.staleMemories(SCOPES.alice, { ...query, limit: 1000, afterId: 'zzz' }), []);
        assert.deepEqual(
          await store
            .staleMemories(SCOPES.bob, { ...query, limit: 1000, afterId: ids[0]! })
            .then((p) => p.filter((m) => ids.includes(m.id))),
          [],
        );
      }));

    test('replaceVectors never touches a memory of another user', () =>
      seeded(async ({ store }) => {
        const [theirs] = await store.listMemories(SCOPES.alice, { limit: 1, offset: 0 });
        const vector = { sector: 'semantic' as const, vector: new Float32Array(16).fill(0.25), model: NEW_MODEL };
        const item = {
          id: theirs!.id,
          expectedUpdatedAt: theirs!.updatedAt,
          vectors: [vector],
          meanVec: vector.vector,
        };
        assert.deepEqual(await store.replaceVectors(SCOPES.bob, [item]), []);
        assert.deepEqual(await store.replaceVectors(SCOPES.anon, [item]), []);
        const kept = (await store.getVectors(SCOPES.alice, [theirs!.id])).get(theirs!.id)!;
        assert.ok(kept.length > 0 && kept.every((v) => v.model !== NEW_MODEL));
        assert.deepEqual(await store.replaceVectors(SCOPES.alice, [item]), [theirs!.id]);
        assert.deepEqual(
          (await store.getVectors(SCOPES.alice, [theirs!.id])).get(theirs!.id)!.map((v) => v.model),
          [NEW_MODEL],
        );
      }));

    test('a memory edited while its batch is embedded keeps the edit; a wrong key stops before any write', () =>
      seeded(async ({ db, store, embedder }) => {
        await assert.rejects(
          runReembed(loadConfig(providerEnv(db, { OPENAI_API_KEY: 'sk-wrong' }))),
          /openai at 127\.0\.0\.1:\d+: rejected the credentials/,
        );
        assert.ok(!(await modelsOf(store, SCOPES.anon)).models.has(NEW_MODEL));
        const [target] = await store.listMemories(SCOPES.anon, { limit: 1, offset: 0 });
        // The edit lands while the provider is embedding the batch that holds the memory.
        const editing: Embedder = {
          id: embedder.id,
          provider: embedder.provider,
          model: embedder.model,
          dim: embedder.dim,
          embed: async (requests, options) => {
            await store.updateMemory(SCOPES.anon, target!.id, {
              content: 'edited meanwhile',
              updatedAt: target!.updatedAt + 1,
            });
            return embedder.embed(requests, options);
          },
        };
        const r = await reembed(store, editing, { scope: SCOPES.anon });
        assert.equal(r.status, 'complete');
        assert.equal(r.total, COUNTS.anon);
        assert.equal(r.skipped, 1);
        assert.equal(r.rewritten, COUNTS.anon - 1);
        assert.equal((await store.getMemory(SCOPES.anon, target!.id))!.content, 'edited meanwhile');
      }));
  });
}
