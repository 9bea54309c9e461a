/**
 * The main flows on both backends for two named users and the default user, through the admin
 * key and user keys: a user key acts only as its user (403 naming another), another user's ids
 * are 404 exactly like missing ids, lists and queries never include other users.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openHarness, type Backend, type Harness } from './harness.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`per-user HTTP flows on ${backend}`, () => {
    let h: Harness;
    const keys: Record<string, string> = {};
    const ids: Record<string, string> = {};

    before(async () => {
      h = await openHarness(backend);
      for (const [name, user] of [
        ['alice', 'alice'],
        ['bob', 'bob'],
        ['default', null],
      ] as const) {
        const r = await h.call('POST', '/admin/keys', { body: { user_id: user, label: name } });
        assert.equal(r.status, 200);
        assert.equal(r.body.user_id, user);
        assert.match(r.body.key, /^om_/);
        keys[name] = r.body.key;
      }
      // Same text for every user: dedup must never cross users.
      const text = 'The team retrospective is on Thursday at 10:00 in the blue room';
      ids.alice = (
        await h.call('POST', '/memory/add', { key: keys.alice, body: { content: text, tags: ['work'] } })
      ).body.id;
      ids.bob = (await h.call('POST', '/memory/add', { body: { content: text, user_id: 'bob' } })).body.id;
      ids.default = (await h.call('POST', '/memory/add', { body: { content: text } })).body.id;
    });
    after(() => h.close());

    test('identical content of three users gives three memories', () => {
      assert.equal(new Set(Object.values(ids)).size, 3);
      for (const id of Object.values(ids)) assert.match(id, /^[0-9a-f-]{36}$/);
    });

    test('a user key sees only its own memories in lists, gets and queries', async () => {
      const list = await h.call('GET', '/memory/all', { key: keys.alice });
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.items.map((m: any) => m.id),
        [ids.alice],
      );
      assert.equal(list.body.items[0].user_id, 'alice');
      assert.equal(typeof list.body.items[0].created_at, 'number');

      const q = await h.call('POST', '/memory/query', {
        key: keys.alice,
        body: { query: 'retrospective Thursday', k: 10 },
      });
      assert.equal(q.status, 200);
      assert.deepEqual(
        q.body.matches.map((m: any) => m.id),
        [ids.alice],
      );
      assert.equal(typeof q.body.matches[0].last_seen_at, 'number');
      assert.ok(q.body.matches[0].score > 0 && q.body.matches[0].score <= 1);

      const own = await h.call('GET', `/memory/${ids.alice}`, { key: keys.alice });
      assert.equal(own.status, 200);
      assert.deepEqual(own.body.tags, ['work']);
    });

    test("another user's id is 404 exactly like a missing id, for every verb", async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      for (const id of [ids.bob, ids.default, missing, missing.toUpperCase()]) {
        const get = await h.call('GET', `/memory/${id}`, { key: keys.alice });
        const patch = await h.call('PATCH', `/memory/${id}`, { key: keys.alice, body: { content: 'stolen' } });
        const del = await h.call('DELETE', `/memory/${id}`, { key: keys.alice });
        const rein = await h.call('POST', '/memory/reinforce', { key: keys.alice, body: { id } });
        for (const r of [get, patch, del, rein]) {
          assert.equal(r.status, 404);
          assert.deepEqual(r.body, { error: 'not_found', message: 'memory not found' });
        }
      }
      // Nothing was changed by those attempts.
      const bob = await h.call('GET', `/memory/${ids.bob}?user_id=bob`);
      assert.equal(bob.body.content, 'The team retrospective is on Thursday at 10:00 in the blue room');
      assert.equal(bob.body.version, 1);
    });

    test('a user key naming another user is 403 on every user_id channel', async () => {
      const attempts = [
        h.call('POST', '/memory/add', { key: keys.alice, body: { content: 'x', user_id: 'bob' } }),
        h.call('POST', '/memory/query', { key: keys.alice, body: { query: 'x', filters: { user_id: 'bob' } } }),
        h.call('GET', '/memory/all?user_id=bob', { key: keys.alice }),
        h.call('GET', `/memory/${ids.bob}?user_id=bob`, { key: keys.alice }),
        h.call('DELETE', `/memory/${ids.bob}?user_id=bob`, { key: keys.alice }),
        h.call('PATCH', `/memory/${ids.bob}`, { key: keys.alice, body: { content: 'y', user_id: 'bob' } }),
        h.call('GET', '/users/bob/summary', { key: keys.alice }),
        h.call('GET', '/users/bob/memories', { key: keys.alice }),
        h.call('DELETE', '/users/bob/memories', { key: keys.alice }),
        h.call('POST', '/memory/add', { key: keys.default, body: { content: 'x', user_id: 'alice' } }),
        h.call('POST', '/memory/add', { key: keys.alice, body: { content: 'x', user_id: null } }),
      ];
      for (const r of await Promise.all(attempts)) {
        assert.equal(r.status, 403);
        assert.equal(r.body.error, 'forbidden');
      }
      // Naming itself is fine.
      assert.equal((await h.call('GET', '/memory/all?user_id=alice', { key: keys.alice })).status, 200);
    });

    test('admin-only routes refuse user keys', async () => {
      for (const [method, path] of [
        ['POST', '/admin/keys'],
        ['GET', '/admin/keys'],
        ['DELETE', '/admin/keys/whatever'],
        ['POST', '/users/summaries/regenerate-all'],
        ['GET', '/metrics'],
      ] as const) {
        const r = await h.call(method, path, { key: keys.bob, body: { user_id: 'bob' } });
        assert.equal(r.status, 403, `${method} ${path}`);
        assert.equal(r.body.error, 'forbidden');
      }
    });

    test('the default user is a real scope: its key and the admin without user_id see only it', async () => {
      const viaKey = await h.call('GET', '/memory/all', { key: keys.default });
      const viaAdmin = await h.call('GET', '/memory/all');
      assert.deepEqual(
        viaKey.body.items.map((m: any) => m.id),
        [ids.default],
      );
      assert.deepEqual(
        viaAdmin.body.items.map((m: any) => m.id),
        [ids.default],
      );
      assert.equal(viaAdmin.body.items[0].user_id, null);
      const q = await h.call('POST', '/memory/query', { body: { query: 'blue room retrospective' } });
      assert.deepEqual(
        q.body.matches.map((m: any) => m.id),
        [ids.default],
      );
    });

    test('update, reinforce and delete act on the own memory', async () => {
      const add = await h.call('POST', '/memory/add', {
        key: keys.bob,
        body: { content: 'Bob prefers green tea in the morning' },
      });
      const id = add.body.id;
      const patch = await h.call('PATCH', `/memory/${id}`, {
        key: keys.bob,
        body: { content: 'Bob prefers black coffee in the morning', tags: ['drinks'] },
      });
      assert.deepEqual(patch.body, { id, updated: true });
      const got = await h.call('GET', `/memory/${id}`, { key: keys.bob });
      assert.equal(got.body.content, 'Bob prefers black coffee in the morning');
      assert.deepEqual(got.body.tags, ['drinks']);
      assert.equal(got.body.version, 2);
      const before = got.body.salience;
      const rein = await h.call('POST', '/memory/reinforce', { key: keys.bob, body: { id, boost: 0.2 } });
      assert.equal(rein.body.ok, true);
      assert.ok(rein.body.salience > before);
      // DELETE without any body (what the SDK sends) is fine.
      const del = await h.call('DELETE', `/memory/${id}`, {
        key: keys.bob,
        headers: { 'content-type': 'application/json' },
      });
      assert.deepEqual(del.body, { ok: true });
      assert.equal((await h.call('GET', `/memory/${id}`, { key: keys.bob })).status, 404);
    });

    test('summaries and per-user lists through /users/:user_id', async () => {
      const sum = await h.call('GET', '/users/alice/summary', { key: keys.alice });
      assert.equal(sum.status, 200);
      assert.equal(sum.body.user_id, 'alice');
      assert.match(sum.body.summary, /1 memories/);
      const regen = await h.call('POST', '/users/alice/summary/regenerate', { key: keys.alice });
      assert.equal(regen.body.ok, true);
      assert.equal(typeof regen.body.reflection_count, 'number');
      const mems = await h.call('GET', '/users/alice/memories?l=5', { key: keys.alice });
      assert.equal(mems.body.user_id, 'alice');
      assert.deepEqual(
        mems.body.items.map((m: any) => m.id),
        [ids.alice],
      );
      const all = await h.call('POST', '/users/summaries/regenerate-all');
      assert.equal(all.body.ok, true);
      assert.ok(all.body.updated >= 3);
    });

    test('@default names the default user in /users paths; its key reaches only its own user', async () => {
      for (const key of [keys.default, undefined]) {
        const sum = await h.call('GET', '/users/@default/summary', { key });
        assert.equal(sum.status, 200, JSON.stringify(sum.body));
        assert.equal(sum.body.user_id, null);
        assert.match(sum.body.summary, /1 memories/);
        const mems = await h.call('GET', '/users/@default/memories', { key });
        assert.equal(mems.body.user_id, null);
        assert.deepEqual(
          mems.body.items.map((m: any) => m.id),
          [ids.default],
        );
        assert.equal((await h.call('POST', '/users/@default/summary/regenerate', { key })).body.user_id, null);
      }
      assert.equal((await h.call('GET', '/users/@default/summary', { key: keys.alice })).status, 403);
      assert.equal((await h.call('GET', '/users/alice/summary', { key: keys.default })).status, 403);
      // The same name in a body or query string is the default user too, not a user called so.
      const viaQuery = await h.call('GET', '/memory/all?user_id=@default', { key: keys.default });
      assert.deepEqual(
        viaQuery.body.items.map((m: any) => m.id),
        [ids.default],
      );
      const added = await h.call('POST', '/memory/add', {
        body: { content: 'Shared printer is on floor two', user_id: '@default' },
      });
      assert.equal((await h.call('GET', `/memory/${added.body.id}`)).body.user_id, null);
      assert.equal((await h.call('DELETE', `/memory/${added.body.id}`, { key: keys.default })).status, 200);
    });

    test('min_score keeps its v1.2 meaning: a salience floor, not a match-score floor', async () => {
      const low = await h.call('POST', '/memory/add', {
        body: { content: 'Frank waters the ferns on Sundays', user_id: 'frank', salience: 0.2 },
      });
      const high = await h.call('POST', '/memory/add', {
        body: { content: 'Frank waters the orchids on Mondays', user_id: 'frank', salience: 0.9 },
      });
      const ask = (filters: Record<string, unknown>) =>
        h.call('POST', '/memory/query', {
          body: { query: 'which plants does Frank water', k: 5, filters: { user_id: 'frank', ...filters } },
        });
      const all = await ask({});
      assert.deepEqual(all.body.matches.map((m: any) => m.id).sort(), [low.body.id, high.body.id].sort());
      // Every match scores below 0.85 here, so as a score floor 0.85 would drop both.
      assert.ok(
        all.body.matches.every((m: any) => m.score < 0.85),
        JSON.stringify(all.body.matches.map((m: any) => m.score)),
      );
      const floored = await ask({ min_score: 0.85 });
      assert.deepEqual(
        floored.body.matches.map((m: any) => m.id),
        [high.body.id],
      );
      assert.deepEqual(
        (await ask({ min_score: 0.1, min_salience: 0.85 })).body.matches.map((m: any) => m.id),
        [high.body.id],
      );
      assert.equal((await ask({ min_score: 1.5 })).status, 400);
    });

    test('a key records when it was last used, at most once a minute', async () => {
      const made = await h.call('POST', '/admin/keys', { body: { user_id: 'gina', label: 'usage' } });
      const lastUsed = async () =>
        (await h.call('GET', '/admin/keys')).body.keys.find((k: any) => k.id === made.body.id).last_used_at;
      assert.equal(await lastUsed(), null);
      const before = Date.now();
      assert.equal((await h.call('GET', '/memory/all', { key: made.body.key })).status, 200);
      const first = await lastUsed();
      assert.ok(first >= before && first <= Date.now(), String(first));
      // Used 30 s ago: within the minute, requests write nothing.
      await h.memory.store.adminTouchApiKey(made.body.id, first - 30_000);
      assert.equal((await h.call('GET', '/memory/all', { key: made.body.key })).status, 200);
      assert.equal(await lastUsed(), first - 30_000);
      // Used 61 s ago: the next request records the use again.
      await h.memory.store.adminTouchApiKey(made.body.id, first - 61_000);
      const again = Date.now();
      assert.equal((await h.call('GET', '/memory/all', { key: made.body.key })).status, 200);
      assert.ok((await lastUsed()) >= again);
    });

    test('deleting a user removes only that user', async () => {
      await h.call('POST', '/memory/add', { body: { content: 'Carol keeps bees on the roof', user_id: 'carol' } });
      const del = await h.call('DELETE', '/users/carol/memories');
      assert.equal(del.body.ok, true);
      assert.equal(del.body.deleted, 1);
      assert.equal((await h.call('GET', '/memory/all?user_id=carol')).body.items.length, 0);
      assert.equal((await h.call('GET', '/memory/all', { key: keys.alice })).body.items.length, 1);
    });

    test("erasing a user deletes the user's API keys: erasing is everything of the user", async () => {
      const erin = (await h.call('POST', '/admin/keys', { body: { user_id: 'erin' } })).body;
      assert.equal(
        (await h.call('POST', '/memory/add', { key: erin.key, body: { content: 'Erin is allergic to walnuts' } }))
          .status,
        200,
      );
      const del = await h.call('DELETE', '/users/erin/memories', { key: erin.key });
      assert.deepEqual(del.body.counts, {
        memories: 1,
        vectors: 1,
        waypoints: 0,
        users: 1,
        apiKeys: 1,
        embedLogs: 1,
        facts: 0,
      });
      const after = await h.call('GET', '/memory/all', { key: erin.key });
      assert.deepEqual([after.status, after.body.error], [403, 'invalid_api_key']);
      assert.ok(!(await h.call('GET', '/admin/keys')).body.keys.some((k: any) => k.id === erin.id));
      assert.equal((await h.call('GET', '/memory/all', { key: keys.alice })).status, 200);
    });

    test('revoked keys stop working; list of keys never shows secrets', async () => {
      const made = await h.call('POST', '/admin/keys', { body: { user_id: 'dave', label: 'temp' } });
      assert.equal((await h.call('GET', '/memory/all', { key: made.body.key })).status, 200);
      const listed = await h.call('GET', '/admin/keys');
      const entry = listed.body.keys.find((k: any) => k.id === made.body.id);
      assert.deepEqual(
        { user_id: entry.user_id, label: entry.label, revoked_at: entry.revoked_at },
        { user_id: 'dave', label: 'temp', revoked_at: null },
      );
      assert.ok(!JSON.stringify(listed.body).includes(made.body.key));
      assert.deepEqual((await h.call('DELETE', `/admin/keys/${made.body.id}`)).body, { ok: true, id: made.body.id });
      const after = await h.call('GET', '/memory/all', { key: made.body.key });
      assert.equal(after.status, 403);
      assert.equal(after.body.error, 'invalid_api_key');
      assert.equal((await h.call('DELETE', '/admin/keys/no-such-key')).status, 404);
    });
  });
}
