/**
 * GET /memory/:id/history on both backends: the actor of each change (a user key's id, `admin`
 * for OM_API_KEY), the same scope rules as GET /memory/:id (another user's id is 404, naming
 * another user is 403), and a deleted memory's history kept for its owner.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openHarness, type Backend, type Harness } from './harness.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`memory history over HTTP on ${backend}`, () => {
    let h: Harness;
    const keys: Record<string, { id: string; key: string }> = {};

    before(async () => {
      h = await openHarness(backend);
      for (const user of ['alice', 'bob'])
        keys[user] = (await h.call('POST', '/admin/keys', { body: { user_id: user } })).body;
    });
    after(() => h.close());

    test('records who changed what; readable by the owner after the delete, 404 for others', async () => {
      const alice = keys.alice!;
      const { id } = (
        await h.call('POST', '/memory/add', {
          key: alice.key,
          body: { content: 'Alice waters the orchids on Sundays' },
        })
      ).body;
      assert.equal(
        (
          await h.call('PATCH', `/memory/${id}`, {
            body: { content: 'Alice waters the orchids on Mondays', user_id: 'alice' },
          })
        ).status,
        200,
      );
      assert.equal((await h.call('POST', '/memory/reinforce', { key: alice.key, body: { id } })).status, 200);
      assert.equal((await h.call('DELETE', `/memory/${id}`, { key: alice.key })).status, 200);

      const r = await h.call('GET', `/memory/${id}/history`, { key: alice.key });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.id, id);
      assert.deepEqual(
        r.body.history.map((e: any) => [e.event, e.actor]),
        [
          ['add', alice.id],
          ['supersede', 'admin'],
          ['reinforce', alice.id],
          ['delete', alice.id],
        ],
      );
      assert.equal(r.body.history[1].previous_content, 'Alice waters the orchids on Sundays');
      assert.equal(typeof r.body.history[0].at, 'number');

      const bob = await h.call('GET', `/memory/${id}/history`, { key: keys.bob!.key });
      assert.deepEqual([bob.status, bob.body], [404, { error: 'not_found', message: 'memory not found' }]);
      assert.equal((await h.call('GET', `/memory/${id}/history?user_id=bob`)).status, 404);
      assert.equal((await h.call('GET', `/memory/${id}/history?user_id=bob`, { key: alice.key })).status, 403);
      assert.equal((await h.call('GET', `/memory/${id}/history?user_id=alice`)).status, 200);
      assert.equal((await h.call('GET', '/memory/not-a-uuid/history', { key: alice.key })).status, 404);

      assert.equal((await h.call('DELETE', '/users/alice/memories')).status, 200);
      assert.equal((await h.call('GET', `/memory/${id}/history?user_id=alice`)).status, 404);
    });
  });
}
