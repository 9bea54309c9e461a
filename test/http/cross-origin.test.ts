/**
 * Web pages of other origins against a real listening server, as a browser would send their
 * requests (Origin, Sec-Fetch-Site, simple content types, preflights). Each attack is one a page
 * on https://evil.example carried out against the keyless default server before the origin policy.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { startServer } from '../../src/interfaces/http/server.js';
import { createLogger } from '../../src/log.js';
import { servePages } from '../helpers/page-server.js';
import { tmpDir } from '../helpers/tmp.js';
import { listen } from './harness.js';

const EVIL = 'https://evil.example';
const KEY = 'cross-origin-admin-key-0123456789';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** One raw request: exactly the headers given (Host is the server's own unless set). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // empty (204) or text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (o: unknown) => JSON.stringify(o);
const corsHeaders = (r: Reply) => Object.keys(r.headers).filter((h) => h.startsWith('access-control-'));

function assertRefused(r: Reply, what: string): void {
  assert.equal(r.status, 403, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error, 'cross_origin_forbidden', what);
  assert.deepEqual(corsHeaders(r), [], `${what}: no CORS headers`);
}

describe('keyless server: pages of other origins can do nothing', () => {
  let srv: Awaited<ReturnType<typeof listen>>;
  let base: string;
  let self: string;
  const memories = async (user: string) =>
    (await send(base, 'GET', `/memory/all?user_id=${user}`)).body.items as Array<{ content: string }>;

  before(async () => {
    srv = await listen();
    base = srv.server.url;
    self = new URL(base).host;
    const added = await send(
      base,
      'POST',
      '/memory/add',
      { 'content-type': 'application/json' },
      json({ content: 'alice secret: the safe code is 4711', user_id: 'alice' }),
    );
    assert.equal(added.status, 200);
  });
  after(() => srv.close());

  test("reading another user's memories (GET with Origin) is refused without CORS headers", async () => {
    for (const path of [
      '/memory/all?user_id=alice',
      '/users/alice/memories',
      '/health',
      '/openapi.json',
      '/admin/keys',
    ]) {
      assertRefused(await send(base, 'GET', path, { origin: EVIL }), path);
      assertRefused(
        await send(base, 'GET', path, { origin: EVIL, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }),
        path,
      );
    }
  });

  test('a link or form navigation (Sec-Fetch-Site cross-site or same-site, no Origin) is refused', async () => {
    for (const site of ['cross-site', 'same-site']) {
      assertRefused(
        await send(base, 'GET', '/memory/all?user_id=alice', { 'sec-fetch-site': site, 'sec-fetch-mode': 'navigate' }),
        site,
      );
    }
  });

  test('adding memories with simple (no-preflight) POSTs is refused: text/plain, form data, no type', async () => {
    const bodies: Array<[string, string]> = [
      ['text/plain;charset=UTF-8', json({ content: 'planted by evil.example', user_id: 'alice' })],
      ['application/x-www-form-urlencoded', 'content=planted+by+evil.example&user_id=alice'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="content"\r\n\r\nplanted\r\n--x--\r\n',
      ],
    ];
    for (const [type, body] of bodies) {
      assertRefused(
        await send(
          base,
          'POST',
          '/memory/add',
          { origin: EVIL, 'sec-fetch-site': 'cross-site', 'content-type': type },
          body,
        ),
        type,
      );
      // An old browser that sends neither Origin nor Sec-Fetch-*: the content type alone stops it.
      const bare = await send(base, 'POST', '/memory/add', { 'content-type': type }, body);
      assert.equal(bare.status, 415, type);
      assert.equal(bare.body.error, 'unsupported_media');
    }
    const untyped = await send(base, 'POST', '/users/alice/summary/regenerate');
    assert.equal(untyped.status, 415, 'a POST without a body still needs the JSON label');
    assert.deepEqual(
      (await memories('alice')).map((m) => m.content),
      ['alice secret: the safe code is 4711'],
    );
  });

  test('preflights from other origins get no CORS allow headers, the same answer on every path', async () => {
    const replies = [];
    for (const path of ['/users/alice/memories', '/admin/keys', '/no/such/route', '/mcp']) {
      const r = await send(base, 'OPTIONS', path, {
        origin: EVIL,
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'content-type',
      });
      assertRefused(r, `preflight ${path}`);
      replies.push(r.body);
    }
    assert.equal(new Set(replies.map((b) => JSON.stringify(b))).size, 1, 'a preflight tells nothing about the routes');
    assertRefused(await send(base, 'DELETE', '/users/alice/memories', { origin: EVIL }), 'the DELETE itself');
    assert.equal((await memories('alice')).length, 1);
  });

  test('minting an API key, reading keys, MCP and URL ingestion from another origin are refused', async () => {
    const site = await servePages({
      '/internal': { type: 'text/plain', body: 'loopback-only page about the intranet wiki' },
    });
    try {
      const headers = { origin: EVIL, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' };
      assertRefused(await send(base, 'POST', '/admin/keys', headers, json({ user_id: 'alice' })), 'mint key');
      assertRefused(
        await send(
          base,
          'POST',
          '/memory/ingest/url',
          headers,
          json({ url: site.url('/internal'), user_id: 'mallory' }),
        ),
        'ingest url',
      );
      const rpc = json({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'openmemory_list', arguments: { user_id: 'alice' } },
      });
      assertRefused(
        await send(base, 'POST', '/mcp', { ...headers, accept: 'application/json, text/event-stream' }, rpc),
        'mcp',
      );
      assert.deepEqual(await memories('mallory'), [], 'nothing was fetched and stored');
      assert.deepEqual((await send(base, 'GET', '/admin/keys')).body.keys, [], 'no key was minted');
    } finally {
      await site.close();
    }
  });

  test('Origin null (sandboxed frames, file: pages) and a page on another loopback port are other origins', async () => {
    assertRefused(await send(base, 'GET', '/memory/all', { origin: 'null' }), 'null');
    const otherPort = `http://127.0.0.1:${Number(new URL(base).port) + 1}`;
    assertRefused(
      await send(base, 'GET', '/memory/all', { origin: otherPort, 'sec-fetch-site': 'same-site' }),
      otherPort,
    );
    assertRefused(
      await send(base, 'GET', '/memory/all', { origin: `http://localhost:${new URL(base).port}` }),
      'localhost vs 127.0.0.1',
    );
  });

  test('pages served by the server itself (same origin) and typed URLs keep working', async () => {
    const same = { origin: `http://${self}`, 'sec-fetch-site': 'same-origin' };
    const read = await send(base, 'GET', '/memory/all?user_id=alice', same);
    assert.equal(read.status, 200);
    assert.deepEqual(corsHeaders(read), [], 'same origin needs no CORS');
    const write = await send(
      base,
      'POST',
      '/memory/add',
      { ...same, 'content-type': 'application/json' },
      json({ content: 'added by the dashboard', user_id: 'dash' }),
    );
    assert.equal(write.status, 200, JSON.stringify(write.body));
    assert.equal(
      (await send(base, 'DELETE', `/memory/${write.body.id}?user_id=dash`, same)).status,
      200,
      'a DELETE without body needs no label',
    );
    assert.equal(
      (await send(base, 'GET', '/health', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' })).status,
      200,
    );
  });
});

describe('OM_CORS_ORIGINS', () => {
  test('keyless: listed origins may call and read; others are still refused', async () => {
    const app = 'http://app.example:3000';
    const srv = await listen({ OM_CORS_ORIGINS: `${app}, https://other.example` });
    try {
      const base = srv.server.url;
      const pre = await send(base, 'OPTIONS', '/memory/add', { origin: app, 'access-control-request-method': 'POST' });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers['access-control-allow-origin'], app);
      assert.match(String(pre.headers['access-control-allow-headers']), /Content-Type/);
      const add = await send(
        base,
        'POST',
        '/memory/add',
        { origin: app, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
        json({ content: 'from the listed app' }),
      );
      assert.equal(add.status, 200);
      assert.equal(add.headers['access-control-allow-origin'], app);
      assert.match(String(add.headers.vary), /Origin/);
      assertRefused(await send(base, 'GET', '/memory/all', { origin: EVIL }), 'unlisted');
      assertRefused(
        await send(base, 'OPTIONS', '/memory/add', { origin: EVIL, 'access-control-request-method': 'POST' }),
        'unlisted preflight',
      );
    } finally {
      await srv.close();
    }
  });

  test('* without a key is an explicit opt-in, warned about at start-up', async () => {
    const lines: string[] = [];
    const tmp = tmpDir('om-cors-star-');
    const config = loadConfig({ OM_DB_PATH: `${tmp.dir}/om.sqlite`, OM_PORT: '0', OM_CORS_ORIGINS: '*' });
    const log = createLogger('warn', {}, (line) => lines.push(line));
    const memory = await Memory.open({ config, jobs: false, logger: createLogger('silent') });
    const server = await startServer({ config, engine: memory, keys: memory.store, log });
    try {
      assert.match(lines.join('\n'), /OM_CORS_ORIGINS=\* without OM_API_KEY/);
      const r = await send(server.url, 'GET', '/memory/all', { origin: EVIL });
      assert.equal(r.status, 200);
      assert.equal(r.headers['access-control-allow-origin'], EVIL);
    } finally {
      await server.close();
      tmp.cleanup();
    }
  });

  test('with a key: other origins still need the key and get CORS only when listed', async () => {
    const srv = await listen({ OM_API_KEY: KEY });
    const open = await listen({ OM_API_KEY: KEY, OM_CORS_ORIGINS: '*' });
    try {
      const auth = { authorization: `Bearer ${KEY}` };
      const none = await send(srv.server.url, 'GET', '/memory/all', { origin: EVIL, 'sec-fetch-site': 'cross-site' });
      assert.equal(none.status, 401);
      const keyed = await send(srv.server.url, 'GET', '/memory/all', {
        origin: EVIL,
        'sec-fetch-site': 'cross-site',
        ...auth,
      });
      assert.equal(keyed.status, 200);
      assert.deepEqual(corsHeaders(keyed), [], 'the browser keeps the reply from the page');
      assertRefused(
        await send(srv.server.url, 'OPTIONS', '/memory/all', { origin: EVIL, 'access-control-request-method': 'GET' }),
        'preflight',
      );

      const star = await send(open.server.url, 'OPTIONS', '/memory/all', {
        origin: EVIL,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      });
      assert.equal(star.status, 204);
      assert.equal(star.headers['access-control-allow-origin'], EVIL);
      const noKey = await send(open.server.url, 'GET', '/memory/all', { origin: EVIL });
      assert.equal(noKey.status, 401, '* opens CORS, never the data');
    } finally {
      await Promise.all([srv.close(), open.close()]);
    }
  });
});
