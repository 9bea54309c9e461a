/**
 * The dashboard in a real browser (Debian's chromium over the DevTools protocol) against the
 * real server, on SQLite and PostgreSQL: sign in with the admin key and with a user key, see only
 * what the key may see, search and read why results ranked, edit, reinforce and delete, create
 * and revoke a key, export, erase and import a user. Screenshots go to a temporary directory, or
 * to OM_DASHBOARD_SCREENSHOTS when set (docs/dashboard/ holds the committed ones).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { startServer } from '../../src/interfaces/http/server.js';
import { createLogger } from '../../src/log.js';
import { userScope } from '../../src/store/scope.js';
import { Browser, type Page } from '../helpers/cdp.js';
import { listeningServer, type ListeningServer } from '../helpers/listening-server.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

const ADMIN = 'dashboard-admin-key-0123456789';

const ALICE = [
  { content: 'Alice prefers window seats on long flights', tags: ['travel'] },
  { content: 'Alice is allergic to peanuts and carries an epipen', tags: ['health'] },
  { content: 'Alice flies to Lisbon in March for the design conference', tags: ['travel', 'work'] },
  { content: 'To deploy the blog Alice runs make publish after the tests pass', tags: ['work'] },
  { content: 'Alice felt proud after finishing her first marathon', tags: ['sport'] },
];
const BOB_SECRET = 'Bob keeps the spare house key under the blue flowerpot';

async function call(url: string, method: string, route: string, body?: unknown, key: string | null = ADMIN) {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`dashboard in chromium on ${backend}`, () => {
    let server: ListeningServer;
    let browser: Browser;
    let page: Page;
    let drop: () => Promise<void> = async () => {};
    const shots = tmpDir('om-shots-');
    const downloads = tmpDir('om-downloads-');
    const shotDir = process.env.OM_DASHBOARD_SCREENSHOTS ?? shots.dir;
    let aliceKey = '';
    const aliceIds: string[] = [];

    const shot = async (name: string) => {
      if (backend !== 'sqlite' && shotDir !== shots.dir) return;
      mkdirSync(shotDir, { recursive: true });
      await page.screenshot(path.join(shotDir, `${name}.png`));
    };
    const open = async (hash: string, ready: string) => {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.ready(ready);
    };

    before(async () => {
      const pg = backend === 'postgres' ? await freshPgSchema('web') : null;
      if (pg) drop = pg.drop;
      server = await listeningServer(
        ADMIN,
        pg ? { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema } : {},
      );
      for (const m of ALICE)
        aliceIds.push((await call(server.url, 'POST', '/memory/add', { ...m, user_id: 'alice' })).body.id);
      // Waypoints for the graph: the marathon memory leads to two others, which both lead to a third.
      const [, peanuts, lisbon, deploy, marathon] = aliceIds as [string, string, string, string, string];
      await server.memory.link(userScope('alice'), marathon, [peanuts, lisbon], 0.9);
      await server.memory.link(userScope('alice'), peanuts, [deploy], 0.6);
      await server.memory.link(userScope('alice'), lisbon, [deploy], 0.3);
      assert.equal(
        (await call(server.url, 'POST', '/memory/add', { content: BOB_SECRET, user_id: 'bob' })).status,
        200,
      );
      browser = await Browser.launch();
      page = await browser.newPage();
      await browser.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads.dir });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      await drop();
      shots.cleanup();
      downloads.cleanup();
    });

    test('the page is served with a strict policy and asks for a key', async () => {
      const res = await fetch(`${server.url}/`);
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.doesNotMatch(await res.text(), /<script>|<script [^>]*>[^<]/, 'no inline script');
      await page.goto(`${server.url}/`);
      await page.ready('signin');
      await shot('sign-in');
      await page.type('#key', 'not-the-key');
      await page.press('Enter');
      await page.waitFor(`document.querySelector('.signin .error:not([hidden])')`);
      assert.match(await page.text('.signin .error'), /not accepted/);
    });

    test('the admin signs in and sees every user; the key stays out of URLs and localStorage', async () => {
      await page.type('#key', ADMIN);
      await page.press('Enter');
      await page.ready('overview');
      assert.equal(await page.evaluate('localStorage.length'), 0);
      assert.equal(await page.evaluate('sessionStorage.length'), 1);
      assert.doesNotMatch(await page.evaluate<string>('location.href'), new RegExp(ADMIN));
      await open('#/overview?user=alice', 'overview');
      const text = await page.text('main');
      assert.match(text, /Memories of alice/);
      assert.match(text, /Requests since start-up/, 'admin sees the request figures');
      assert.match(
        text,
        /Users held in memory[\s\S]*used \/ budget \(OM_MODEL_MEMORY_MB\)\s+[\d.]+ \/ [\d,]+ MB/,
        'and the user models',
      );
      assert.match(text, new RegExp(`Storage\\s+${backend === 'postgres' ? 'PostgreSQL' : 'SQLite'}`));
      const users = await page.evaluate<string[]>(
        `[...document.querySelectorAll('#user-picker option')].map(o => o.value)`,
      );
      assert.ok(users.includes('alice') && users.includes('bob'));
      await shot('overview');
    });

    test('search shows ranked results and why each ranked', async () => {
      await open('#/memories?user=alice', 'memories');
      assert.equal(await page.evaluate(`document.querySelectorAll('.list > li.memory').length`), ALICE.length);
      await shot('memories');
      await page.type('#q', 'which seat does Alice like on a plane');
      await page.press('Enter');
      await page.waitFor(`document.querySelector('ol.ranked li')`);
      const first = await page.text('ol.ranked li');
      assert.match(first, /window seats/);
      await page.evaluate(`document.querySelector('ol.ranked details.why').open = true`);
      assert.match(await page.text('ol.ranked details.why'), /score [\d.]+[\s\S]*(meaning|keyword|shared words)/);
      await shot('search');
    });

    test('a memory is edited, reinforced and deleted after confirming', async () => {
      const id = await page.evaluate<string>(
        `document.querySelector('ol.ranked a.content').getAttribute('href').match(/memory\\/([^?]+)/)[1]`,
      );
      await page.click('ol.ranked a.content');
      await page.ready('memory');
      await shot('memory');
      await page.type('#content', 'Alice prefers aisle seats on long flights now');
      await page.click('form.edit button[type=submit]');
      await page.waitFor(`document.querySelector('.body')?.innerText.includes('aisle')`);
      const before = (await call(server.url, 'GET', `/memory/${id}?user_id=alice`)).body.salience;
      const shown = await page.text('dl.facts');
      await page.click('.actions button:not(.danger)');
      await page.waitFor(`document.querySelector('dl.facts')?.innerText !== ${JSON.stringify(shown)}`);
      assert.ok((await call(server.url, 'GET', `/memory/${id}?user_id=alice`)).body.salience > before);
      // Cancel first: nothing happens.
      await page.click('.actions button.danger');
      await page.click('dialog.confirm[open] button[value=cancel]');
      assert.equal((await call(server.url, 'GET', `/memory/${id}?user_id=alice`)).status, 200);
      await page.click('.actions button.danger');
      await page.click('dialog.confirm[open] button[value=ok]');
      await page.ready('memories');
      assert.equal((await call(server.url, 'GET', `/memory/${id}?user_id=alice`)).status, 404);
    });

    test('the graph shows two hops of links and re-centres on the memory followed; timeline draws', async () => {
      await open(`#/graph/${aliceIds[4]}?user=alice`, 'graph');
      assert.equal(await page.evaluate(`document.querySelectorAll('svg.graph a.node').length`), 4);
      assert.equal(await page.evaluate(`document.querySelectorAll('svg.graph line.edge').length`), 4);
      await shot('graph');
      await page.evaluate(
        `document.querySelector('svg.graph a.node:not(.center)').dispatchEvent(new MouseEvent('click', { bubbles: true }))`,
      );
      await page.waitFor(
        `document.getElementById('app').dataset.ready === 'graph' && !location.hash.includes(${JSON.stringify(aliceIds[4])})`,
      );
      assert.ok((await page.evaluate<number>(`document.querySelectorAll('svg.graph a.node').length`)) >= 2);
      await open('#/timeline?user=alice', 'timeline');
      assert.match(await page.text('main'), /Salience distribution/);
      await shot('timeline');
    });

    test('a key is created (shown once) for alice', async () => {
      await open('#/keys?user=alice', 'keys');
      await page.type('#key-label', 'alice laptop');
      await page.click('form.inline button[type=submit]');
      aliceKey = await page.waitFor<string>(`document.getElementById('new-key')?.value`);
      assert.match(aliceKey, /^om_/);
      await shot('keys');
      await page.click('.notice button:last-child');
      await page.waitFor(`!document.getElementById('new-key') && document.querySelector('tbody tr')`);
      assert.match(await page.text('tbody'), /alice laptop[\s\S]*never/);
      assert.doesNotMatch(await page.text('main'), new RegExp(aliceKey), 'the secret is not shown again');
    });

    test('a user key sees only its own user, in the page and through the API', async () => {
      await page.click('.who button');
      await page.ready('signin');
      await page.type('#key', aliceKey);
      await page.evaluate(`document.getElementById('stay').click()`);
      await page.press('Enter');
      await page.ready('overview');
      assert.equal(await page.evaluate('localStorage.length'), 1, 'stay signed in keeps the key');
      const menu = await page.text('nav.menu');
      assert.doesNotMatch(menu, /Users|API keys/);
      assert.doesNotMatch(await page.text('main'), /Requests since start-up|Users held in memory/);
      await open('#/memories?user=bob', 'memories');
      const list = await page.text('main');
      assert.match(list, /Memories of alice/);
      assert.doesNotMatch(list, /blue flowerpot/);
      await page.type('#q', 'spare house key flowerpot');
      await page.press('Enter');
      await page.waitFor(`document.querySelector('ol.ranked, .empty')`);
      assert.doesNotMatch(await page.text('main'), /blue flowerpot/);
      const statuses = await page.evaluate<number[]>(`(async () => {
        const key = localStorage.getItem('openmemory.dashboard.key');
        const h = { authorization: 'Bearer ' + key, 'content-type': 'application/json' };
        return Promise.all([
          fetch('/memory/all?user_id=bob', { headers: h }).then(r => r.status),
          fetch('/users/bob/export', { headers: h }).then(r => r.status),
          fetch('/users', { headers: h }).then(r => r.status),
          fetch('/admin/keys', { headers: h }).then(r => r.status),
          fetch('/users/bob/import', { method: 'POST', headers: h, body: JSON.stringify({ lines: [] }) }).then(r => r.status),
        ]);
      })()`);
      assert.deepEqual(statuses, [403, 403, 403, 403, 403]);
      await page.click('.who button');
      await page.ready('signin');
      assert.equal(
        await page.evaluate('localStorage.length + sessionStorage.length'),
        0,
        'signing out forgets the key',
      );
    });

    test('revoke a key; export, erase and import a user', async () => {
      await page.type('#key', ADMIN);
      await page.press('Enter');
      await page.ready('overview');
      // Revoked before the erase, which deletes the user's keys with everything else.
      await open('#/keys', 'keys');
      await page.click('tbody button.danger');
      await page.click('dialog.confirm[open] button[value=ok]');
      await page.waitFor(`document.querySelector('tbody tr.revoked')`);
      assert.equal((await call(server.url, 'GET', '/memory/all', undefined, aliceKey)).status, 403);
      const count = (await call(server.url, 'GET', '/memory/all?user_id=alice')).body.items.length;
      await open('#/transfer?user=alice', 'transfer');
      await page.click('#export');
      await page.waitFor(`document.getElementById('export-status').innerText.startsWith('Exported')`);
      const file = await waitForFile(downloads.dir);
      await shot('transfer');
      await open('#/users', 'users');
      await shot('users');
      await page.evaluate(
        `[...document.querySelectorAll('li.user')].find(li => li.querySelector('h3').innerText === 'alice').querySelector('button.danger').click()`,
      );
      await page.waitFor(`document.querySelector('dialog.confirm[open]')`);
      assert.match(await page.text('dialog.confirm[open]'), new RegExp(`${count} memories`));
      await page.click('dialog.confirm[open] button[value=ok]');
      await page.waitFor(
        `fetch('/memory/all?user_id=alice', { headers: { authorization: 'Bearer ${ADMIN}' } }).then(r => r.json()).then(b => b.items.length === 0)`,
      );
      await open('#/transfer?user=alice', 'transfer');
      await page.setFile('#import-file', file);
      await page.click('#import');
      await page.waitFor(`document.getElementById('import-status').innerText.startsWith('Imported')`);
      assert.match(await page.text('#import-status'), new RegExp(`Imported ${count} memories`));
      assert.equal((await call(server.url, 'GET', '/memory/all?user_id=alice')).body.items.length, count);
    });

    test('at phone width the memories page still reads; the keyboard starts on the content', async () => {
      await page.viewport(390, 844, true);
      await open('#/memories?user=alice', 'memories');
      assert.ok(
        await page.evaluate<boolean>('document.documentElement.scrollWidth <= 390 + 1'),
        'no sideways scrolling',
      );
      if (backend === 'sqlite') await shot('memories-phone');
      await page.viewport(1280, 900);
      // A fresh load starts keyboard navigation at the top of the page.
      await page.goto('about:blank');
      await page.waitFor(`location.href === 'about:blank'`);
      await page.goto(`${server.url}/#/memories?user=alice`);
      await page.ready('memories');
      // Focus lands on the content, and Tab goes on to its first control.
      assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'main');
      await page.press('Tab');
      assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'q');
      const saved = readdirSync(shotDir).filter((f) => f.endsWith('.png'));
      if (backend === 'sqlite') assert.ok(saved.length >= 10, `screenshots saved: ${saved.join(', ')}`);
    });
  });
}

async function waitForFile(dir: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const done = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    if (done.length) return path.join(dir, done[0]!);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no export was downloaded to ${dir}`);
}

test('without OM_API_KEY the loopback dashboard opens as admin, no sign-in', async () => {
  const tmp = tmpDir('om-keyless-');
  const config = loadConfig({ OM_DB_PATH: path.join(tmp.dir, 'om.sqlite'), OM_PORT: '0', OM_LOG_LEVEL: 'silent' });
  const log = createLogger('silent');
  const memory = await Memory.open({ config, logger: log, jobs: false });
  const server = await startServer({ config, engine: memory, keys: memory.store, log });
  const browser = await Browser.launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/dashboard`);
    await page.ready('overview');
    assert.match(await page.text('header'), /admin/);
    assert.doesNotMatch(await page.text('header'), /Sign out/);
  } finally {
    await browser.close();
    await server.close();
    tmp.cleanup();
  }
});
