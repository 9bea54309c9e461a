/** /users/:id/export and /import over HTTP: a round trip within one user, and lines of another user refused whole. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, openHarness, type Backend, type Harness } from './harness.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`export and import routes on ${backend}`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(backend);
      for (const content of ['Carol grows tomatoes on the balcony', 'Carol learns the cello on Tuesdays']) {
        await h.call('POST', '/memory/add', { body: { content, user_id: 'carol' } });
      }
      await h.call('POST', '/memory/add', {
        body: { content: 'Dave hides the garage code in his phone', user_id: 'dave' },
      });
    });
    after(() => h.close());

    test('an export imports back into the erased user, links included', async () => {
      const res = await h.app.request('/users/carol/export', { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /ndjson/);
      const lines = (await res.text()).split('\n').filter(Boolean);
      const memories = lines.filter((l) => !JSON.parse(l).kind);
      assert.equal(memories.length, 2);
      const links = memories.flatMap((l) =>
        JSON.parse(l).links.map((w: any) => ({ from: JSON.parse(l).id, to: w.to, weight: w.weight })),
      );
      assert.equal((await h.call('DELETE', '/users/carol/memories')).status, 200);
      const first = await h.call('POST', '/users/carol/import', { body: { lines } });
      assert.equal(first.status, 200);
      assert.equal(first.body.imported, 2);
      assert.equal((await h.call('POST', '/users/carol/import', { body: { links } })).status, 200);
      const again = await h.call('POST', '/users/carol/import', { body: { lines } });
      assert.deepEqual([again.body.imported, again.body.skipped], [0, 2]);
      assert.equal((await h.call('GET', '/memory/all?user_id=carol')).body.items.length, 2);
    });

    test("lines of another user are refused, naming the file's line, and nothing is written", async () => {
      const res = await h.app.request('/users/dave/export', { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      const daveLines = (await res.text()).split('\n').filter(Boolean);
      const before = (await h.call('GET', '/memory/all?user_id=carol')).body.items.length;
      const r = await h.call('POST', '/users/carol/import', { body: { lines: daveLines, first_line: 41 } });
      assert.equal(r.status, 400);
      assert.match(r.body.message, /line 41: user_id "dave" is not the user being imported into/);
      assert.equal((await h.call('GET', '/memory/all?user_id=carol')).body.items.length, before);
      assert.equal((await h.call('GET', '/memory/all?user_id=dave')).body.items.length, 1);
    });
  });
}
