/**
 * Limits of the HTTP layer: OM_API_KEY strength, OM_MODEL_MEMORY_MB, OM_CORS_ORIGINS syntax, the rate limit on /mcp
 * and not on /health, what /health shows, nesting depth, metadata size, list size and the
 * per-user memory quota (both backends).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultModelMemoryMb, loadConfig } from '../../src/config.js';
import { MAX_BODY_DEPTH } from '../../src/interfaces/http/body.js';
import { MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from '../../src/interfaces/schemas/common.js';
import { userScope } from '../../src/store/scope.js';
import { ConfigError } from '../../src/errors.js';
import { openHarness, type Backend, type Harness } from './harness.js';

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const MCP_HEADERS = { accept: 'application/json, text/event-stream' };
const rpc = (params: unknown) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params });

describe('settings', () => {
  test('OM_API_KEY shorter than 16 characters or with fewer than 5 different ones stops start-up', () => {
    for (const weak of ['change-me', 'short-key-15chr', 'a'.repeat(40), 'abababababababababab', '1234123412341234']) {
      assert.throws(
        () => loadConfig({ OM_API_KEY: weak }),
        (e: unknown) => e instanceof ConfigError && /^OM_API_KEY: must be at least 16 characters/.test(e.message),
        weak,
      );
    }
    assert.equal(loadConfig({ OM_API_KEY: '9f86d081884c7d65' }).apiKey, '9f86d081884c7d65');
  });

  test('OM_MODEL_MEMORY_MB is a whole number of megabytes; unset, a quarter of the machine within 64 MB..2 GB', () => {
    assert.equal(loadConfig({ OM_MODEL_MEMORY_MB: '512' }).modelMemoryMb, 512);
    assert.equal(loadConfig({}).modelMemoryMb, defaultModelMemoryMb());
    assert.equal(defaultModelMemoryMb(4 * 2 ** 30), 1024);
    assert.equal(defaultModelMemoryMb(128 * 2 ** 30), 2048);
    assert.equal(defaultModelMemoryMb(128 * 2 ** 20), 64);
    for (const bad of ['0', '-5', '1.5', 'lots']) {
      assert.throws(
        () => loadConfig({ OM_MODEL_MEMORY_MB: bad }),
        (e: unknown) => e instanceof ConfigError && /^OM_MODEL_MEMORY_MB: must be/.test(e.message),
        bad,
      );
    }
  });

  test('OM_CORS_ORIGINS takes exact origins or *', () => {
    assert.deepEqual(loadConfig({}).corsOrigins, []);
    assert.equal(loadConfig({ OM_CORS_ORIGINS: '*' }).corsOrigins, '*');
    assert.deepEqual(loadConfig({ OM_CORS_ORIGINS: 'https://App.example, http://localhost:3000' }).corsOrigins, [
      'https://app.example',
      'http://localhost:3000',
    ]);
    for (const bad of [
      'app.example',
      'https://app.example/path',
      'https://app.example/',
      'null',
      'file:///x',
      'https://*.example',
    ]) {
      assert.throws(() => loadConfig({ OM_CORS_ORIGINS: bad }), /OM_CORS_ORIGINS: must be origins/, bad);
    }
  });
});

describe('rate limit: /mcp counts, /health does not', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness('sqlite', { OM_RATE_LIMIT_ENABLED: 'true', OM_RATE_LIMIT_MAX_REQUESTS: '3' });
  });
  after(() => h.close());

  test('/health answers past the limit and is not counted', async () => {
    for (let i = 0; i < 6; i++) {
      const r = await h.call('GET', '/health', { key: null });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('ratelimit-remaining'), null);
    }
  });

  test('POST /mcp is limited per key like the REST routes', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (
          await h.call('POST', '/mcp', {
            headers: MCP_HEADERS,
            body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/list', params: {} }),
          })
        ).status,
      );
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.equal((await h.call('GET', '/memory/all')).status, 429, 'one window for the key across REST and MCP');
  });
});

describe('what public replies show', () => {
  test('/health names the embedding provider and model, never its URL', async () => {
    for (const env of [
      { OM_EMBEDDINGS: 'ollama', OLLAMA_URL: 'http://10.1.2.3:11434', OM_OLLAMA_MODEL: 'nomic-embed-text' },
      {
        OM_EMBEDDINGS: 'openai',
        OPENAI_API_KEY: 'sk-secret-value',
        OM_OPENAI_BASE_URL: 'http://10.1.2.3:9999/v1',
        OM_OPENAI_MODEL: 'm1',
      },
    ]) {
      const config = loadConfig({ OM_LOG_LEVEL: 'silent', ...env });
      const { createApp } = await import('../../src/interfaces/http/app.js');
      const h = await openHarness('sqlite');
      try {
        // The app alone (no engine call on /health): the configured provider is never contacted.
        const { app } = createApp({ engine: h.memory, keys: h.memory.store, config });
        const text = await (await app.request('/health')).text();
        assert.doesNotMatch(text, /10\.1\.2\.3|sk-secret|https?:/, text);
        assert.match(text, new RegExp(`"provider":"${env.OM_EMBEDDINGS}"`));
        assert.match(text, /"model(_override)?":"(nomic-embed-text|m1)"/);
      } finally {
        await h.close();
      }
    }
  });
});

describe('nesting, metadata and list size', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness('sqlite', { OM_MAX_PAYLOAD_SIZE: '2000000' });
  });
  after(() => h.close());

  test(`metadata deeper than ${MAX_METADATA_DEPTH} levels is 400, ~5k deep included`, async () => {
    for (const depth of [MAX_METADATA_DEPTH + 1, 5_000]) {
      const r = await h.call('POST', '/memory/add', { body: `{"content":"deep","metadata":${nested(depth)}}` });
      assert.equal(r.status, 400, `${depth}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'validation_error');
    }
    const ok = await h.call('POST', '/memory/add', {
      body: `{"content":"just deep enough","metadata":${nested(MAX_METADATA_DEPTH)}}`,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.match(
      (await h.call('POST', '/memory/add', { body: `{"content":"x","metadata":${nested(40)}}` })).body.message,
      /metadata: must not nest/,
    );
  });

  test('bodies nested 100k deep are 400 on every kind of route, MCP included, and the server keeps serving', async () => {
    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const [path, body] of [
      ['/memory/add', `{"content":"deep","metadata":${nested(100_000)}}`],
      ['/memory/add/batch', `{"items":[{"content":"x","metadata":${nested(100_000)}}]}`],
      ['/memory/query', `{"query":"q","filters":${nested(100_000)}}`],
      ['/memory/add', deepArray],
      ['/lgm/store', `{"node":"plan","content":"x","metadata":${nested(100_000)}}`],
    ]) {
      const r = await h.call('POST', path!, { body });
      assert.equal(r.status, 400, `${path}: ${r.status}`);
      assert.match(r.body.message, new RegExp(`more than ${MAX_BODY_DEPTH} levels`));
    }
    const viaMcp = await h.call('POST', '/mcp', {
      headers: MCP_HEADERS,
      body: rpc({ name: 'openmemory_store', arguments: JSON.parse(`{"content":"x","metadata":${nested(60)}}`) }),
    });
    assert.ok(
      viaMcp.status < 500 && JSON.stringify(viaMcp.body).includes('must not nest'),
      JSON.stringify(viaMcp.body),
    );
    const mcpDeep = await h.call('POST', '/mcp', {
      headers: MCP_HEADERS,
      body: rpc({ name: 'openmemory_store', arguments: { content: 'x', metadata: '__' } }).replace(
        '"__"',
        nested(100_000),
      ),
    });
    assert.equal(mcpDeep.status, 400);
    assert.equal((await h.call('GET', '/health')).status, 200);
  });

  test(`metadata over ${MAX_METADATA_BYTES} bytes is 400, so 20 memories cannot make a list of megabytes`, async () => {
    const big = await h.call('POST', '/memory/add', {
      body: { content: 'big metadata', user_id: 'meta', metadata: { blob: 'x'.repeat(MAX_METADATA_BYTES) } },
    });
    assert.equal(big.status, 400);
    assert.match(big.body.message, /metadata: must be at most 65536 bytes/);
    const batch = await h.call('POST', '/memory/add/batch', {
      body: { user_id: 'meta', items: [{ content: 'a', metadata: { blob: 'é'.repeat(MAX_METADATA_BYTES / 2) } }] },
    });
    assert.equal(batch.status, 400, 'counted in bytes, not characters');
    assert.deepEqual(await h.memory.list(userScope('meta')), []);
    assert.equal(
      (
        await h.call('POST', '/memory/add', {
          body: { content: 'fits', user_id: 'meta', metadata: { blob: 'x'.repeat(60_000) } },
        })
      ).status,
      200,
    );
  });

  test('list routes take at most 1000 items a page (400 beyond)', async () => {
    for (const path of ['/memory/all?l=1001', '/memory/all?limit=5000', '/users/meta/memories?l=1001']) {
      const r = await h.call('GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error, 'validation_error');
    }
    assert.equal((await h.call('GET', '/memory/all?l=1000')).status, 200);
  });
});

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`OM_MAX_MEMORIES_PER_USER on ${backend}`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(backend, { OM_MAX_MEMORIES_PER_USER: '3' });
    });
    after(() => h.close());
    const count = async (user: string) => (await h.memory.list(userScope(user), { limit: 100 })).length;

    test('adds past the quota are 413 quota_exceeded and store nothing; duplicates and other users are unaffected', async () => {
      const add = (content: string, user = 'quota') =>
        h.call('POST', '/memory/add', { body: { content, user_id: user } });
      for (const c of ['The ferry leaves at nine', 'Bring the green umbrella', 'Call the dentist on Monday'])
        assert.equal((await add(c)).status, 200);
      const full = await add('One memory too many about tulips');
      assert.equal(full.status, 413);
      assert.equal(full.body.error, 'quota_exceeded');
      assert.match(full.body.message, /OM_MAX_MEMORIES_PER_USER \(3\)/);
      assert.equal((await add('The ferry leaves at nine')).body.deduplicated, true, 'a duplicate stores nothing new');
      const batch = await h.call('POST', '/memory/add/batch', {
        body: { user_id: 'quota', items: [{ content: 'batch one about kites' }] },
      });
      assert.equal(batch.status, 413);
      const doc = 'Harbour tides and ferry times. '.repeat(40);
      const ingest = await h.call('POST', '/memory/ingest', {
        body: { content_type: 'txt', data: doc, user_id: 'quota' },
      });
      assert.equal(ingest.status, 413);
      const mcp = await h.call('POST', '/mcp', {
        headers: MCP_HEADERS,
        body: rpc({ name: 'openmemory_store', arguments: { content: 'via mcp about owls', user_id: 'quota' } }),
      });
      assert.match(JSON.stringify(mcp.body), /quota_exceeded/);
      await h.memory.settle();
      assert.equal(await count('quota'), 3);
      const other = await h.call('POST', '/memory/add/batch', {
        body: { user_id: 'other', items: [{ content: 'a note on pears' }, { content: 'a note on plums' }] },
      });
      assert.equal(other.status, 200);
      const over = await h.call('POST', '/memory/add/batch', {
        body: { user_id: 'other', items: [{ content: 'a note on figs' }, { content: 'a note on kiwis' }] },
      });
      assert.equal(over.status, 413, 'a batch that would pass the quota is refused whole');
      assert.equal(await count('other'), 2);
      const id = (await h.memory.list(userScope('quota'), { limit: 1 }))[0]!.id;
      assert.equal((await h.call('DELETE', `/memory/${id}?user_id=quota`)).status, 200);
      assert.equal((await add('Room again after a delete')).status, 200);
    });
  });
}
