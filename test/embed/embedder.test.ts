import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { EmbeddingCache, embeddingKey } from '../../src/embed/cache.js';
import { ProviderError } from '../../src/embed/http.js';
import { createRemoteEmbedder } from '../../src/embed/providers/from-config.js';
import { ConfigError } from '../../src/errors.js';
import { userScope } from '../../src/store/scope.js';
import { fakeOpenAi, openAiErrors } from './fake-providers.js';
import { serverPool, startFakeServer, type FakeServer } from './fake-server.js';

const alice = userScope('alice');

const env = (fake: FakeServer, extra: Record<string, string> = {}) =>
  loadConfig({
    OM_EMBEDDINGS: 'openai',
    OM_OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: 'k',
    OM_EMBED_RETRY_BASE_MS: '1',
    ...extra,
  });

test('LRU cache evicts the least recently used entry', () => {
  const c = new EmbeddingCache(2);
  const v = (x: number) => Float32Array.of(x);
  c.set('a', v(1));
  c.set('b', v(2));
  assert.deepEqual(c.get('a'), v(1)); // a is now the most recent
  c.set('c', v(3));
  assert.equal(c.get('b'), undefined);
  assert.deepEqual(c.get('a'), v(1));
  assert.deepEqual(c.get('c'), v(3));
  assert.equal(c.size, 2);
  assert.notEqual(embeddingKey('u', 'm/8', 'semantic', 'x'), embeddingKey('u', 'm/8', 'episodic', 'x'));
  assert.notEqual(embeddingKey('u', 'm/8', 'semantic', 'x'), embeddingKey('u', 'm/16', 'semantic', 'x'));
  assert.notEqual(embeddingKey('u', 'm/8', 'semantic', 'x'), embeddingKey('v', 'm/8', 'semantic', 'x'));
  // A user id holding the separator cannot forge another user's key.
  assert.notEqual(embeddingKey('a\u0000m/8', 'x', 'semantic', 'x'), embeddingKey('a', 'm/8\u0000x', 'semantic', 'x'));
});

describe('remote embedder', () => {
  const pool = serverPool();
  after(pool.closeAll);

  test('repeated texts come from the cache: no request, counted as hits', async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const e = createRemoteEmbedder(env(fake));
    const q = [{ text: 'where did I park', sector: 'semantic' as const }];
    const first = await e.embed(q, { scope: alice });
    const second = await e.embed(q, { scope: alice });
    const third = await e.embed([...q, { text: 'new text', sector: 'semantic' }], { scope: alice });
    assert.equal(fake.requests.length, 3); // probe, first, and only "new text" the third time
    assert.deepEqual(fake.requests[2]!.json.input, ['new text']);
    assert.deepEqual(second[0], first[0]);
    assert.deepEqual(third[0], first[0]);
    const m = e.metrics().openai!;
    assert.equal(m.cacheHits, 2);
    assert.equal(m.cacheMisses, 2);
    assert.equal(m.calls, 3);
    assert.equal(m.texts, 3);
  });

  test('the cache is per user: another user asking the same text is not answered from it', async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const e = createRemoteEmbedder(env(fake));
    const q = [{ text: 'my bank password hint', sector: 'semantic' as const }];
    await e.embed(q, { scope: alice });
    await e.embed(q, { scope: userScope('bob') });
    await e.embed(q, { scope: userScope(null) });
    await e.embed(q);
    await e.embed(q);
    assert.equal(fake.requests.length, 6, 'probe + one request per user + two uncached calls without a user');
    assert.equal(e.metrics().openai!.cacheHits, 0);
    await e.embed(q, { scope: userScope('bob') });
    assert.equal(fake.requests.length, 6);
  });

  test('OM_EMBED_CACHE_SIZE=0 disables the cache', async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const e = createRemoteEmbedder(env(fake, { OM_EMBED_CACHE_SIZE: '0' }));
    await e.embed([{ text: 'a', sector: 'semantic' }], { scope: alice });
    await e.embed([{ text: 'a', sector: 'semantic' }], { scope: alice });
    assert.equal(fake.requests.length, 3);
  });

  test("OM_VEC_DIM differing from the provider's answer stops start-up", async () => {
    // A server that ignores `dimensions` (most self-hosted models cannot shorten vectors).
    const fake = await pool.add(
      startFakeServer((r) => ({
        status: 200,
        body: { data: r.json.input.map((_: string, index: number) => ({ index, embedding: Array(768).fill(0.5) })) },
      })),
    );
    const e = createRemoteEmbedder(env(fake, { OM_VEC_DIM: '256' }));
    await assert.rejects(e.verify(), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(
        err.message,
        /^OM_VEC_DIM: is 256 but openai model text-embedding-3-small at 127\.0\.0\.1:\d+ answers 768-dimensional vectors$/,
      );
      return true;
    });
  });

  test('a provider whose dimension changes after start-up is caught, not stored', async () => {
    let dim = 8;
    const fake = await pool.add(
      startFakeServer((r) => ({
        status: 200,
        body: { data: r.json.input.map((_: string, index: number) => ({ index, embedding: Array(dim).fill(1) })) },
      })),
    );
    const e = createRemoteEmbedder(env(fake));
    await e.verify();
    dim = 12;
    await assert.rejects(e.embed([{ text: 'x', sector: 'semantic' }]), /answered a 12-dimensional vector, expected 8/);
  });

  test('a wrong count of vectors or non-numbers are rejected', async () => {
    const fake = await pool.add(
      startFakeServer(() => ({ status: 200, body: { data: [{ index: 0, embedding: [1, 'x'] }] } })),
    );
    const e = createRemoteEmbedder(env(fake));
    await assert.rejects(
      e.verify(),
      (err: unknown) => err instanceof ProviderError && /not a list of numbers/.test(err.message),
    );
    await assert.rejects(
      e.embed([
        { text: 'a', sector: 'semantic' },
        { text: 'b', sector: 'semantic' },
      ]),
      /answered 1 vectors for 2 texts|not a list/,
    );
  });

  test('errors are counted per provider', async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const e = createRemoteEmbedder(env(fake, { OM_EMBED_MAX_RETRIES: '0' }));
    await e.embed([{ text: 'ok', sector: 'semantic' }]);
    fake.failNext(1, openAiErrors.overloaded);
    await assert.rejects(e.embed([{ text: 'boom', sector: 'semantic' }]), /HTTP 503/);
    const m = e.metrics().openai!;
    assert.deepEqual([m.calls, m.texts, m.errors, m.requests, m.failedRequests, m.retries], [3, 3, 1, 3, 1, 0]);
    assert.ok(m.latencyMsMax >= m.latencyMsAvg && m.latencyMsAvg > 0);
  });
});

test('vectors handed out are copies: changing one leaves the cache intact', async () => {
  const pool = serverPool();
  try {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const e = createRemoteEmbedder(env(fake));
    const [a, b] = await e.embed(
      [
        { text: 'same', sector: 'semantic' },
        { text: 'same', sector: 'episodic' },
      ],
      { scope: alice },
    );
    const original = a!.slice();
    a!.fill(0);
    assert.deepEqual(b, original);
    assert.deepEqual((await e.embed([{ text: 'same', sector: 'semantic' }], { scope: alice }))[0], original);
  } finally {
    await pool.closeAll();
  }
});
