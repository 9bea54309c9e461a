/** Request handling: validation codes, body limits, malformed JSON, CORS, request ids, unknown routes, rate limits. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { checkBind } from '../../src/interfaces/http/auth.js';
import { ConfigError } from '../../src/errors.js';
import { createApp } from '../../src/interfaces/http/app.js';
import { listen, openHarness, type Harness } from './harness.js';

/** A GET with a chosen Host header, over a real socket (fetch cannot set Host). */
function rawGet(base: string, path: string, host: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('validation and limits', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness('sqlite', { OM_MAX_PAYLOAD_SIZE: '4096' });
  });
  after(() => h.close());

  test('invalid input is 400 validation_error naming the field', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', '/memory/add', {}, /^content: /],
      ['POST', '/memory/add', { content: '   ' }, /^content: /],
      ['POST', '/memory/add', { content: 'x', tags: 'work' }, /^tags: /],
      ['POST', '/memory/add', { content: 'x', metadata: [1] }, /^metadata: /],
      ['POST', '/memory/query', { query: 'x', k: 0 }, /^k: /],
      ['POST', '/memory/query', { query: 'x', filters: { sector: 'nonsense' } }, /^filters\.sector: /],
      ['POST', '/memory/reinforce', { boost: 0.1 }, /^id: /],
      ['POST', '/memory/reinforce', { id: 'a', boost: 7 }, /^boost: /],
      ['POST', '/memory/ingest', { content_type: 'audio', data: 'x' }, /^content_type: /],
      ['POST', '/memory/ingest/url', { url: 'not a url' }, /^url: /],
      ['POST', '/memory/add/batch', { items: [] }, /^items: /],
      ['POST', '/api/ide/events', {}, /^event_type: /],
      ['POST', '/lgm/store', { content: 'x' }, /^node: /],
      ['POST', '/api/compression/batch', { texts: 'x' }, /^texts: /],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await h.call(method, path, { body });
      assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(r.body.error, 'validation_error');
      assert.match(r.body.message, message, `${path}: ${r.body.message}`);
    }
    const q = await h.call('GET', '/memory/all?l=abc');
    assert.equal(q.status, 400);
    assert.match(q.body.message, /^l: /);
    const p = await h.call('PATCH', '/memory/00000000-0000-4000-8000-000000000000', { body: {} });
    assert.equal(p.status, 400);
    assert.match(p.body.message, /at least one of content, tags, metadata/);
  });

  test('a batch with one invalid item stores nothing', async () => {
    const r = await h.call('POST', '/memory/add/batch', {
      body: { items: [{ content: 'good item' }, { content: '' }] },
    });
    assert.equal(r.status, 400);
    assert.match(r.body.message, /^items\.1\.content: /);
    assert.equal((await h.call('GET', '/memory/all')).body.items.length, 0);
  });

  test('batch add stores every item for the named user', async () => {
    const r = await h.call('POST', '/memory/add/batch', {
      body: {
        user_id: 'eve',
        items: [{ content: 'Eve runs on Mondays' }, { content: 'Eve reads sci-fi', tags: ['books'] }],
      },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.results.length, 2);
    const list = await h.call('GET', '/memory/all?user_id=eve');
    assert.deepEqual(list.body.items.map((m: any) => m.content).sort(), ['Eve reads sci-fi', 'Eve runs on Mondays']);
  });

  test('bodies over OM_MAX_PAYLOAD_SIZE are 413, also without Content-Length', async () => {
    const big = JSON.stringify({ content: 'x'.repeat(10_000) });
    const r = await h.call('POST', '/memory/add', { body: big });
    assert.equal(r.status, 413);
    assert.equal(r.body.error, 'payload_too_large');
    // A streamed body (no length header) is cut off at the limit.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        controller.close();
      },
    });
    const res = await h.app.request('/memory/add', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-key-0123456789', 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
  });

  test('malformed JSON is 400; writes not labelled JSON are 415; an empty body is {}', async () => {
    const bad = await h.call('POST', '/memory/add', { body: '{"content": "unterminated' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { error: 'validation_error', message: 'request body is not valid JSON' });
    const form = await h.call('POST', '/memory/add', {
      body: 'content=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
    assert.equal(form.body.error, 'unsupported_media');
    const curlStyle = await h.call('POST', '/memory/add', {
      body: '{"content":"sent by curl -d"}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(curlStyle.status, 415);
    const charset = await h.call('POST', '/memory/add', {
      body: '{"content":"labelled"}',
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    });
    assert.equal(charset.status, 200);
    for (const body of ['', 'null']) {
      const empty = await h.call('POST', '/users/nobody/summary/regenerate', { body });
      assert.equal(empty.status, 200);
      assert.equal(empty.body.ok, true);
    }
    assert.equal((await h.call('POST', '/memory/query', { body: { query: 'anything', filters: null } })).status, 200);
  });

  test('unknown routes are 404 JSON; request ids are echoed', async () => {
    const r = await h.call('GET', '/no/such/route');
    assert.equal(r.status, 404);
    assert.equal(r.body.error, 'not_found');
    const withId = await h.call('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(withId.headers.get('x-request-id'), 'abc-123');
    const generated = await h.call('GET', '/health');
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('public routes need no key; the rest do; x-api-key and ApiKey headers work', async () => {
    assert.equal((await h.call('GET', '/health', { key: null })).status, 200);
    assert.equal((await h.call('GET', '/dashboard/health', { key: null })).status, 200);
    assert.equal((await h.call('GET', '/openapi.json', { key: null })).status, 200);
    const none = await h.call('GET', '/sectors', { key: null });
    assert.deepEqual(none.body, { error: 'authentication_required', message: 'API key required' });
    assert.equal(none.status, 401);
    const wrong = await h.call('GET', '/sectors', { key: 'wrong' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error, 'invalid_api_key');
    assert.equal(
      (await h.call('GET', '/sectors', { key: null, headers: { 'x-api-key': 'test-admin-key-0123456789' } })).status,
      200,
    );
    assert.equal(
      (await h.call('GET', '/sectors', { key: null, headers: { authorization: 'ApiKey test-admin-key-0123456789' } }))
        .status,
      200,
    );
  });

  test('unexpected errors are a bare 500 without internals, and the server keeps serving', async () => {
    // The real engine, with one method failing the way a driver error would.
    const failing = new Proxy(h.memory, {
      get: (target, prop) =>
        prop === 'list'
          ? () => Promise.reject(new Error('SELECT secret FROM memories WHERE user_id = 42'))
          : (Reflect.get(target, prop, target).bind?.(target) ?? Reflect.get(target, prop, target)),
    });
    const { app } = createApp({
      engine: failing,
      keys: h.memory.store,
      config: loadConfig({ OM_LOG_LEVEL: 'silent' }),
    });
    const res = await app.request('/memory/all');
    const body = (await res.json()) as { error: string };
    assert.equal(res.status, 500);
    assert.equal(body.error, 'internal');
    assert.ok(!JSON.stringify(body).includes('SELECT'));
    assert.equal((await app.request('/health')).status, 200);
  });
});

describe('rate limiting', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness('sqlite', {
      OM_RATE_LIMIT_ENABLED: 'true',
      OM_RATE_LIMIT_MAX_REQUESTS: '3',
      OM_RATE_LIMIT_WINDOW_MS: '60000',
    });
  });
  after(() => h.close());

  test('per key, with RateLimit headers and Retry-After on 429', async () => {
    const first = await h.call('GET', '/sectors');
    assert.equal(first.headers.get('ratelimit-limit'), '3');
    assert.equal(first.headers.get('ratelimit-remaining'), '2');
    assert.ok(Number(first.headers.get('ratelimit-reset')) > 0);
    await h.call('GET', '/sectors');
    await h.call('GET', '/sectors');
    const limited = await h.call('GET', '/sectors');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'rate_limit_exceeded');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal(limited.body.retry_after, Number(limited.headers.get('retry-after')));
    // Another key has its own window.
    const key = (
      await h.app.request('/admin/keys', {
        method: 'POST',
        headers: { authorization: 'Bearer test-admin-key-0123456789', 'content-type': 'application/json' },
        body: '{"user_id":"u"}',
      })
    ).status;
    assert.equal(key, 429, 'the admin key is still limited');
  });

  test('failed authentication is limited per address', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.call('GET', '/sectors', { key: `guess-${i}` })).status);
    assert.deepEqual(statuses, [403, 403, 403, 429]);
  });
});

describe('binding without a key', () => {
  test('loopback is allowed; other addresses need OM_ALLOW_INSECURE_BIND', () => {
    assert.doesNotThrow(() => checkBind(loadConfig({})));
    assert.throws(() => checkBind(loadConfig({ OM_HOST: '0.0.0.0' })), ConfigError);
    assert.doesNotThrow(() => checkBind(loadConfig({ OM_HOST: '0.0.0.0', OM_ALLOW_INSECURE_BIND: 'true' })));
    assert.doesNotThrow(() => checkBind(loadConfig({ OM_HOST: '0.0.0.0', OM_API_KEY: 'a-long-enough-admin-key' })));
  });

  test('without OM_API_KEY only loopback Host names are served (DNS rebinding); OM_ALLOWED_HOSTS widens or disables it', async () => {
    const { server, close } = await listen();
    try {
      const port = new URL(server.url).port;
      for (const host of ['127.0.0.1', `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
        assert.equal((await rawGet(server.url, '/memory/all', host)).status, 200, host);
      }
      for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`]) {
        const r = await rawGet(server.url, '/memory/all', host);
        assert.equal(r.status, 403, host);
        assert.equal(r.body.error, 'host_not_allowed');
        assert.match(r.body.message, /OM_ALLOWED_HOSTS/);
      }
      assert.equal((await rawGet(server.url, '/health', 'evil.example')).status, 403);
    } finally {
      await close();
    }
    const widened = await openHarness('sqlite', { OM_API_KEY: '', OM_ALLOWED_HOSTS: 'memory.lan, box.local' });
    const off = await openHarness('sqlite', { OM_API_KEY: '', OM_ALLOWED_HOSTS: '*' });
    const keyed = await openHarness('sqlite');
    try {
      const at = (h: Harness, host: string) => h.call('GET', '/memory/all', { key: null, headers: { host } });
      assert.equal((await at(widened, 'memory.lan:8080')).status, 200);
      assert.equal((await at(widened, 'evil.example')).status, 403);
      assert.equal((await at(off, 'evil.example')).status, 200);
      // With a key the key is the guard: any Host, but the key is needed.
      assert.equal((await keyed.call('GET', '/memory/all', { headers: { host: 'memory.example.com' } })).status, 200);
    } finally {
      await Promise.all([widened.close(), off.close(), keyed.close()]);
    }
    assert.throws(() => loadConfig({ OM_ALLOWED_HOSTS: 'evil.example:80' }), /OM_ALLOWED_HOSTS/);
  });

  test('without OM_API_KEY every caller without a key is admin, user keys still bind to their user', async () => {
    const h = await openHarness('sqlite', { OM_API_KEY: '' });
    try {
      assert.equal((await h.call('GET', '/metrics', { key: null })).status, 200);
      const made = await h.call('POST', '/admin/keys', { key: null, body: { user_id: 'zed' } });
      await h.call('POST', '/memory/add', { key: null, body: { content: 'default user note' } });
      const mine = await h.call('GET', '/memory/all', { key: made.body.key });
      assert.deepEqual(mine.body.items, []);
      assert.equal((await h.call('GET', '/memory/all?user_id=other', { key: made.body.key })).status, 403);
    } finally {
      await h.close();
    }
  });
});
