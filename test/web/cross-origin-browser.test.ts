/**
 * Issue #25 in a real browser: a page of another origin opened in chromium attacks the built
 * keyless server from its own script, with every request of the original finding (reads, simple
 * and preflighted writes, no-cors, form navigations, <img> and <script>). The page must observe
 * nothing and the server must change nothing, refusing each request with 403 (its request log
 * says so). The evil page lives on another port of 127.0.0.1, the closest a page can get
 * (same-site). Positive controls show the probes do detect access: the same script run in a page
 * of the server itself reads and writes, and so does the evil page once OM_CORS_ORIGINS lists it.
 * Needs `npm run build`: the server runs from dist/.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServerProcess } from '../crash/server-process.js';
import { Browser, type Page } from '../helpers/cdp.js';
import { servePages, type PageServer } from '../helpers/page-server.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

const SECRET = 'alice secret: the safe code is 4711';

/**
 * The attacks, as the evil page runs them: `attack(target, doc)` resolves with what the page could
 * observe of each (status and body, an opaque reply, a network error, what a framed form reply
 * shows, load or error events). Plain JavaScript, so that the page can load it as it is. The erase
 * comes last: in the positive controls it succeeds.
 */
const ATTACK_JS = `
async function attack(target, doc) {
  const json = JSON.stringify;
  const JSON_TYPE = { 'content-type': 'application/json' };
  const TEXT = { 'content-type': 'text/plain' };
  const plant = json({ content: 'planted by a page of another origin', user_id: 'alice' });
  const rpc = json({ jsonrpc: '2.0', id: 1, method: 'tools/call',
    params: { name: 'openmemory_list', arguments: { user_id: 'alice' } } });
  const MCP = { accept: 'application/json, text/event-stream' };
  const out = {};
  const errors = [];
  addEventListener('error', (e) => errors.push(String(e.message)));
  const probe = async (name, route, init) => {
    try {
      const res = await fetch(target + route, init);
      out[name] = { type: res.type, status: res.status, body: await res.text() };
    } catch (e) {
      out[name] = { error: String(e) };
    }
  };
  // A form posted into a hidden frame: the page may read the reply only if the frame is its own origin.
  let frames = 0;
  const submit = (enctype, name, value) => new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.name = 'sink' + ++frames;
    frame.hidden = true;
    document.body.append(frame);
    const form = Object.assign(document.createElement('form'),
      { method: 'POST', action: target + '/memory/add', target: frame.name, enctype });
    form.append(Object.assign(document.createElement('input'), { name, value }));
    document.body.append(form);
    const done = (loaded) => {
      let body = null;
      try {
        body = frame.contentDocument ? frame.contentDocument.body.innerText : null;
      } catch {}
      resolve({ loaded, body });
    };
    frame.onload = () => done(true);
    setTimeout(() => done(false), 3000);
    form.submit();
  });
  const embed = (tag) => new Promise((resolve) => {
    const el = document.createElement(tag);
    el.onload = () => resolve({ event: 'load' });
    el.onerror = () => resolve({ event: 'error' });
    el.src = target + '/memory/all?user_id=alice';
    document.body.append(el);
  });

  await probe('read', '/memory/all?user_id=alice');
  await probe('read no-cors', '/memory/all?user_id=alice', { mode: 'no-cors' });
  await probe('add text/plain', '/memory/add', { method: 'POST', headers: TEXT, body: plant });
  await probe('add form-encoded', '/memory/add',
    { method: 'POST', body: new URLSearchParams({ content: 'planted', user_id: 'alice' }) });
  await probe('add no-cors', '/memory/add', { method: 'POST', mode: 'no-cors', headers: TEXT, body: plant });
  await probe('mint key', '/admin/keys', { method: 'POST', headers: JSON_TYPE, body: json({ user_id: 'bob' }) });
  await probe('mint key text/plain', '/admin/keys', { method: 'POST', headers: TEXT, body: json({ user_id: 'bob' }) });
  const ingest = json({ url: doc, user_id: 'mallory' });
  await probe('ingest url', '/memory/ingest/url', { method: 'POST', headers: JSON_TYPE, body: ingest });
  await probe('ingest url text/plain', '/memory/ingest/url', { method: 'POST', headers: TEXT, body: ingest });
  await probe('mcp', '/mcp', { method: 'POST', headers: { ...JSON_TYPE, ...MCP }, body: rpc });
  await probe('mcp text/plain', '/mcp', { method: 'POST', headers: { ...TEXT, ...MCP }, body: rpc });
  // text/plain forms can carry JSON: name + '=' + value.
  out['form text/plain'] = await submit('text/plain', plant.slice(0, -1) + ', "pad": "', '"}');
  out['form url-encoded'] = await submit('application/x-www-form-urlencoded', 'content', 'planted by a form');
  out.img = await embed('img');
  out.script = await embed('script');
  await probe('erase alice', '/users/alice/memories', { method: 'DELETE' });
  return { probes: out, errors };
}
`;

const EVIL_PAGE = '<!doctype html><title>Cute cats</title><body><h1>Cats</h1><script src="/attack.js"></script>';
// The page attacks on load, with the target from its URL's fragment (never sent to a server).
const EVIL_SCRIPT = `${ATTACK_JS}
const params = new URLSearchParams(location.hash.slice(1));
attack(params.get('target'), params.get('doc')).then((r) => { window.results = r; });
`;

type Observation = {
  type?: string;
  status?: number;
  body?: string | null;
  error?: string;
  loaded?: boolean;
  event?: string;
};
type Results = { probes: Record<string, Observation>; errors: string[] };
type RequestLine = { msg: string; request_id: string; method: string; status: number };

/** The built server, keyless on loopback, with its request log. */
interface Target {
  url: string;
  /** Requests logged between two calls of `mark()`. */
  mark(): Promise<RequestLine[]>;
  close(): Promise<void>;
}

async function keylessServer(env: Record<string, string> = {}): Promise<Target> {
  const tmp = tmpDir('om-xorigin-');
  const settings = { OM_API_KEY: '', OM_LOG_LEVEL: 'info', OM_DB_PATH: path.join(tmp.dir, 'om.sqlite'), ...env };
  const proc = await startServerProcess(settings).catch((e) => {
    tmp.cleanup();
    throw e;
  });
  const lines: RequestLine[] = [];
  let partial = '';
  proc.child.stderr!.on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p));
  });
  const url = proc.url;
  let seen = 0;
  let marks = 0;
  return {
    url,
    // A request of our own with a known id, logged after every request before it.
    async mark() {
      const id = `mark-${++marks}`;
      await fetch(`${url}/health`, { headers: { 'x-request-id': id } });
      for (let i = 0; !lines.some((l) => l.request_id === id); i++) {
        if (i > 200) throw new Error(`the request log never showed ${id}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      const end = lines.findIndex((l) => l.request_id === id);
      const between = lines.slice(seen, end).filter((l) => l.msg === 'request');
      seen = end + 1;
      return between;
    },
    async close() {
      await proc.kill();
      tmp.cleanup();
    },
  };
}

async function api(url: string, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(url + route, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(res.status, 200, `${method} ${route}`);
  return res.json();
}

/** What the server holds, read through the admin API from this process (no Origin). */
async function holdings(url: string) {
  const [alice, users, keys] = await Promise.all([
    api(url, 'GET', '/memory/all?user_id=alice'),
    api(url, 'GET', '/users'),
    api(url, 'GET', '/admin/keys'),
  ]);
  return {
    alice: alice.items.map((m: { content: string }) => m.content),
    users: users.users.map((u: { user_id: string; memories: number }) => `${u.user_id}: ${u.memories}`),
    keys: keys.keys,
  };
}

/** What a probe let the page see: a status, a body, a framed reply; null when nothing. */
function observed(o: Observation): string | null {
  if (o.error !== undefined || o.event !== undefined) return null;
  if (o.loaded !== undefined) return o.body ?? null;
  return o.status === 0 && o.body === '' ? null : `${o.status} ${o.body}`;
}

/** What the evil page's own script observed, once it has run. */
async function pageResults(page: Page): Promise<Results> {
  return page.waitFor<Results>('window.results', 15_000);
}

let browser: Browser;
let evil: PageServer;
let intranet: PageServer;
const intranetDoc = () => intranet.url('/wiki');
let dropSchema = async () => {};
/** One keyless server per backend, and one that lists the evil page's origin in OM_CORS_ORIGINS. */
const servers: Partial<Record<'sqlite' | 'postgres' | 'cors', Target>> = {};

// Everything starts at once: a loaded machine takes seconds to start each server.
before(async () => {
  [evil, intranet] = await Promise.all([
    servePages({
      '/': { type: 'text/html', body: EVIL_PAGE },
      '/attack.js': { type: 'text/javascript', body: EVIL_SCRIPT },
    }),
    servePages({ '/wiki': { type: 'text/plain', body: 'loopback-only page about the intranet wiki' } }),
  ]);
  const pg = await freshPgSchema('xorigin');
  dropSchema = pg.drop;
  const settings = {
    sqlite: {},
    postgres: { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema },
    cors: { OM_CORS_ORIGINS: new URL(evil.url('/')).origin },
  };
  const started = await Promise.allSettled([
    Browser.launch().then((b) => (browser = b)),
    ...Object.entries(settings).map(async ([name, env]) => {
      const server = (servers[name as keyof typeof settings] = await keylessServer(env));
      await api(server.url, 'POST', '/memory/add', { content: SECRET, user_id: 'alice' });
    }),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
});
after(async () => {
  await Promise.all([browser?.close(), ...Object.values(servers).map((s) => s.close())]);
  await Promise.all([evil?.close(), intranet?.close(), dropSchema()]);
});

async function openEvilPage(target: string): Promise<Page> {
  const page = await browser.newPage();
  const hash = new URLSearchParams({ target, doc: intranetDoc() });
  await page.goto(`${evil.url('/')}#${hash}`);
  return page;
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`keyless server on ${backend}: a page of another origin can do nothing`, () => {
    let server: Target;
    before(() => {
      server = servers[backend]!;
    });

    test('every attack of the evil page is refused: it reads nothing, changes nothing', async () => {
      const initial = await holdings(server.url);
      const hitsBefore = intranet.hits();
      await server.mark();
      const page = await openEvilPage(server.url);
      const results = await pageResults(page);
      const requests = await server.mark();

      const seen = Object.fromEntries(Object.entries(results.probes).map(([k, o]) => [k, observed(o)]));
      assert.deepEqual(
        seen,
        Object.fromEntries(Object.keys(seen).map((k) => [k, null])),
        JSON.stringify(results, null, 1),
      );
      assert.equal(results.probes['read no-cors']!.type, 'opaque');
      assert.match(results.probes.read!.error!, /Failed to fetch/);
      assert.deepEqual(
        results.errors.filter((e) => e !== 'Script error.'),
        [],
      );
      assert.doesNotMatch(JSON.stringify(results), /4711|cross_origin|unsupported/, 'no trace of a reply');

      assert.deepEqual(await holdings(server.url), initial, 'no memory added or erased, no key minted');
      assert.equal(intranet.hits(), hitsBefore, 'the server fetched no URL');
      // Each request that left the browser was refused for its origin; preflighted ones stopped at the preflight.
      assert.deepEqual(
        requests.map((r) => `${r.method} ${r.status}`).sort(),
        [...Array(4).fill('GET 403'), ...Array(4).fill('OPTIONS 403'), ...Array(8).fill('POST 403')],
        JSON.stringify(requests),
      );
    });

    test('positive control: the same script in a page of the server itself reads and writes', async () => {
      const initial = await holdings(server.url);
      const page = await browser.newPage();
      // A page the user opened by typing its URL (Sec-Fetch-Site: none), not the dashboard: its
      // policy (form-action 'none') would stop the forms, and this page should try everything.
      await page.goto(`${server.url}/health`);
      await page.waitFor(`document.readyState === 'complete' && location.href.endsWith('/health')`);
      const results = await page.evaluate<Results>(`(${ATTACK_JS})(location.origin, ${JSON.stringify(intranetDoc())})`);

      assert.equal(results.probes.read!.status, 200);
      assert.match(results.probes.read!.body!, /4711/);
      assert.match(results.probes['read no-cors']!.body!, /4711/, 'same-origin no-cors replies are readable');
      assert.match(observed(results.probes.mcp!)!, /^200 .*4711/);
      assert.match(observed(results.probes['mint key']!)!, /^200 .*"key":"om_/);
      assert.equal(results.probes['ingest url']!.status, 200);
      for (const name of [
        'add text/plain',
        'add form-encoded',
        'add no-cors',
        'mint key text/plain',
        'mcp text/plain',
      ]) {
        assert.match(observed(results.probes[name]!)!, /^415 .*unsupported_media/, name);
      }
      assert.match(
        results.probes['form text/plain']!.body!,
        /unsupported_media/,
        'a framed reply of the own origin is readable',
      );
      assert.equal(results.probes['erase alice']!.status, 200);

      const now = await holdings(server.url);
      assert.deepEqual(now.alice, [], 'erased');
      assert.equal(now.keys.length, initial.keys.length + 1, 'a key was minted');
      assert.ok(now.users.includes('mallory: 1'), 'the URL was fetched and stored');
    });
  });
}

describe('OM_CORS_ORIGINS listing the evil page', () => {
  test('positive control: a listed origin reads and writes (what the policy otherwise stops)', async () => {
    const server = servers.cors!;
    const page = await openEvilPage(server.url);
    const results = await pageResults(page);
    assert.equal(results.probes.read!.status, 200);
    assert.match(results.probes.read!.body!, /4711/);
    assert.match(observed(results.probes['mint key']!)!, /^200 .*"key":"om_/, 'its preflight passed');
    assert.equal(results.probes['erase alice']!.status, 200);
    assert.equal(results.probes['add text/plain']!.status, 415, 'writes still need the JSON label');
    assert.equal(results.probes['read no-cors']!.type, 'opaque', 'no-cors stays opaque even for a listed origin');
    const now = await holdings(server.url);
    assert.deepEqual(now.alice, []);
    assert.equal(now.keys.length, 1);
  });
});
