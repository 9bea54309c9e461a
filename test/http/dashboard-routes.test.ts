/**
 * The routes the dashboard added, on both backends: /whoami, the admin's user list, the graph
 * around a memory, the salience histogram, day buckets of the timeline, and the page's headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { openHarness, type Backend, type Harness } from './harness.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`dashboard routes on ${backend}`, () => {
    let h: Harness;
    let erinKey = '';
    const ids: string[] = [];
    before(async () => {
      h = await openHarness(backend);
      for (const content of [
        'Erin bakes sourdough bread every Sunday',
        'Erin bakes sourdough bread every Sunday morning early',
        'Erin bakes rye bread on Sunday',
      ]) {
        ids.push((await h.call('POST', '/memory/add', { body: { content, user_id: 'erin' } })).body.id);
      }
      const frank = (
        await h.call('POST', '/memory/add', {
          body: { content: 'Frank bakes sourdough bread every Sunday', user_id: 'frank' },
        })
      ).body.id;
      // A chain 0 → 1 → 2, and a link to frank's memory that the store must refuse.
      await h.memory.link(userScope('erin'), ids[0]!, [ids[1]!, frank], 0.8);
      await h.memory.link(userScope('erin'), ids[1]!, [ids[2]!], 0.5);
      erinKey = (await h.call('POST', '/admin/keys', { body: { user_id: 'erin' } })).body.key;
    });
    after(() => h.close());

    test('/whoami names the role, and the user of a user key', async () => {
      assert.deepEqual((await h.call('GET', '/whoami')).body, { role: 'admin', user_id: null, key_required: true });
      assert.deepEqual((await h.call('GET', '/whoami', { key: erinKey })).body, {
        role: 'user',
        user_id: 'erin',
        key_required: true,
      });
      assert.equal((await h.call('GET', '/whoami', { key: null })).status, 401);
    });

    test('/users lists users with counts for the admin only, as much as asked', async () => {
      const all = await h.call('GET', '/users');
      assert.equal(all.status, 200);
      assert.equal(all.body.total, 2);
      const erin = all.body.users.find((u: any) => u.user_id === 'erin');
      assert.equal(erin.memories, 3);
      assert.equal(typeof erin.summary, 'string');
      assert.deepEqual((await h.call('GET', '/users?fields=ids')).body.users, [
        { user_id: 'erin' },
        { user_id: 'frank' },
      ]);
      assert.equal((await h.call('GET', '/users?fields=counts')).body.users[0].summary, undefined);
      assert.deepEqual((await h.call('GET', '/users?l=1&u=1&fields=ids')).body, {
        total: 2,
        users: [{ user_id: 'frank' }],
      });
      assert.equal((await h.call('GET', '/users', { key: erinKey })).status, 403);
    });

    test("the graph around a memory holds the user's linked memories only", async () => {
      const g = await h.call('GET', `/memory/${ids[0]}/links?user_id=erin`);
      assert.equal(g.status, 200);
      assert.equal(g.body.center, ids[0]);
      const nodeIds = g.body.nodes.map((n: any) => n.id);
      for (const id of nodeIds) assert.ok(ids.includes(id), 'only erin');
      for (const l of g.body.links) assert.ok(nodeIds.includes(l.from) && nodeIds.includes(l.to));
      assert.ok(nodeIds.includes(ids[1]) && nodeIds.includes(ids[2]), 'two hops');
      const one = await h.call('GET', `/memory/${ids[0]}/links?user_id=erin&depth=1`);
      assert.ok(!one.body.nodes.some((n: any) => n.id === ids[2]), 'one hop');
      assert.equal((await h.call('GET', `/memory/${ids[0]}/links?user_id=frank`)).status, 404);
      assert.equal((await h.call('GET', `/memory/${ids[0]}/links`, { key: erinKey })).status, 200);
      assert.equal((await h.call('GET', `/memory/${ids[0]}/links?depth=3&user_id=erin`)).status, 400);
    });

    test('salience histogram and day buckets', async () => {
      const s = await h.call('GET', '/dashboard/salience?user_id=erin');
      assert.equal(s.body.scanned, 3);
      assert.equal(s.body.buckets.length, 10);
      assert.equal(
        s.body.buckets.reduce((a: number, b: number) => a + b, 0),
        3,
      );
      const t = await h.call('GET', '/dashboard/sectors/timeline?user_id=erin&bucket=day');
      assert.match(t.body.timeline[0].hour, /^\d{4}-\d{2}-\d{2}$/);
      assert.match(
        (await h.call('GET', '/dashboard/sectors/timeline?user_id=erin')).body.timeline[0].hour,
        /^\d{2}:00$/,
      );
    });
  });
}

test('the page answers with its security headers; /dashboard and /ui lead to it', async () => {
  const h = await openHarness('sqlite');
  try {
    for (const path of ['/', '/ui/app.js', '/ui/app.css']) {
      const res = await h.app.request(path);
      assert.equal(res.status, 200, `${path} (run npm run build first)`);
      assert.match(
        res.headers.get('content-security-policy') ?? '',
        /^default-src 'self'; script-src 'self';.*frame-ancestors 'none'/,
      );
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.match((await h.app.request('/ui/app.js')).headers.get('content-type') ?? '', /javascript/);
    for (const path of ['/dashboard', '/ui']) {
      const res = await h.app.request(path);
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), '/');
    }
  } finally {
    await h.close();
  }
});
