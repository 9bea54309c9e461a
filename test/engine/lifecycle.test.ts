import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, testClock, type OpenedEngine } from './backends.js';

const DAY = 86_400_000;

for (const backend of BACKENDS) {
  describe(`lifecycle, summaries and jobs (${backend.name})`, () => {
    let e: OpenedEngine;
    const clock = testClock();
    before(async () => (e = await backend.open({ OM_REFLECT_MIN_MEMORIES: '4' }, { now: clock.now })));
    after(() => e.cleanup());

    test('update re-classifies new content and replaces metadata; get/list shapes', async () => {
      const s = userScope('up');
      const r = await e.memory.add(s, { content: 'Zebra quartz notes', metadata: { a: 1 }, tags: ['x'] });
      const v = await e.memory.update(s, r.id, {
        content: 'How to install the printer: first run the setup wizard',
        metadata: { b: 2 },
      });
      assert.equal(v.primary_sector, 'procedural');
      assert.deepEqual(v.metadata, { b: 2 });
      assert.deepEqual(v.tags, ['x']);
      assert.equal(v.version, 2);
      const { matches } = await e.memory.query(s, { query: 'install printer setup wizard', reinforce: false });
      assert.equal(matches[0]!.id, r.id);
      const list = await e.memory.list(s);
      assert.deepEqual(Object.keys(list[0]!).sort(), [
        'content',
        'created_at',
        'decay_lambda',
        'id',
        'last_seen_at',
        'metadata',
        'primary_sector',
        'salience',
        'sectors',
        'tags',
        'updated_at',
        'user_id',
        'version',
      ]);
      await assert.rejects(e.memory.update(userScope('other'), r.id, { tags: [] }), { code: 'not_found' });
      await assert.rejects(e.memory.update(s, r.id, { content: '' }), { code: 'validation_error' });
    });

    test('reinforce adds the boost, capped at 1; delete removes; other users get not_found', async () => {
      const s = userScope('rf');
      const r = await e.memory.add(s, { content: 'The boiler service is due in spring', salience: 0.5 });
      assert.ok(Math.abs((await e.memory.reinforce(s, r.id, 0.2)) - 0.7) < 1e-6);
      assert.equal(await e.memory.reinforce(s, r.id, 1), 1);
      await assert.rejects(e.memory.reinforce(userScope('x'), r.id), { code: 'not_found' });
      await assert.rejects(e.memory.delete(userScope('x'), r.id), { code: 'not_found' });
      await e.memory.delete(s, r.id);
      await assert.rejects(e.memory.get(s, r.id), { code: 'not_found' });
    });

    test('summary reflects a burst of adds without waiting for the timer', async () => {
      const s = userScope('sum');
      for (let i = 0; i < 12; i++)
        await e.memory.add(s, { content: `Sum note ${i}: the garden needs ${i} bags of soil` });
      const view = await e.memory.userSummary(s);
      assert.match(view.summary, /^12 memories, \d+ patterns \| active \| avg_sal=0\.\d\d \| top: /);
      assert.equal(view.user_id, 'sum');
      const fresh = await e.memory.userSummary(userScope('nobody'));
      assert.equal(fresh.summary, 'new user with no memories yet');
      const again = await e.memory.regenerateSummary(s);
      assert.ok(again.reflection_count >= 1);
    });

    test('decay lowers salience by the sector λ once per elapsed time, even when run twice', async () => {
      const s = userScope('decay');
      const emo = await e.memory.add(s, { content: 'I feel so happy and excited today', salience: 0.9 });
      const refl = await e.memory.add(s, { content: 'I realize the deeper lesson and insight here', salience: 0.9 });
      clock.advance(10 * DAY);
      await e.memory.runJob('decay');
      const afterOne = (await e.memory.get(s, emo.id)).salience;
      await e.memory.runJob('decay');
      assert.equal(
        (await e.memory.get(s, emo.id)).salience,
        afterOne,
        'a second run with no elapsed time changes nothing',
      );
      const expected = 0.08 + (0.9 - 0.08) * Math.exp(-0.02 * 10);
      assert.ok(Math.abs(afterOne - expected) < 1e-6, `${afterOne} vs ${expected}`);
      assert.ok((await e.memory.get(s, refl.id)).salience > afterOne, 'reflective decays slower');
      clock.advance(5 * DAY);
      await e.memory.runJob('decay');
      const total = 0.08 + (0.9 - 0.08) * Math.exp(-0.02 * 15);
      assert.ok(Math.abs((await e.memory.get(s, emo.id)).salience - total) < 1e-6, 'runs compose without compounding');
      assert.ok((await e.memory.jobStats(0)).some((r) => r.type === 'decay'));
    });

    test('queries report salience decayed to the query time, before any decay run', async () => {
      const s = userScope('qdecay');
      const r = await e.memory.add(s, { content: 'I feel so calm and happy by the lake', salience: 0.9 });
      clock.advance(20 * DAY);
      const { matches } = await e.memory.query(s, { query: 'calm lake', reinforce: false });
      const expected = 0.08 + (0.9 - 0.08) * Math.exp(-0.02 * 20);
      assert.equal(matches[0]!.id, r.id);
      assert.ok(Math.abs(matches[0]!.salience - expected) < 1e-6);
      assert.ok(matches[0]!.parts.recency < 0.1, 'twenty days unseen');
      const none = await e.memory.query(s, { query: 'calm lake', minSalience: expected + 0.01, reinforce: false });
      assert.equal(none.matches.length, 0);
    });

    test("reflection clusters one user's similar memories into a reflective memory", async () => {
      const s = userScope('refl');
      const texts = [
        'I drink black coffee every morning before work',
        'I drink black coffee every morning before my work',
        'Each morning before work I drink a black coffee',
        'I drink strong black coffee every single morning before work',
        'The invoice for the roof repair is due in March',
      ];
      for (const content of texts) await e.memory.add(s, { content });
      await e.memory.add(userScope('refl-other'), { content: 'I drink black coffee every morning before work' });
      await e.memory.runJob('reflect');
      const reflective = await e.memory.list(s, { sector: 'reflective' });
      assert.equal(reflective.length, 1);
      // Greedy clustering depends on which similar memory seeds the cluster; at least three coffee habits join.
      const sources = reflective[0]!.metadata.sources as string[];
      assert.ok(sources.length >= 3);
      assert.match(reflective[0]!.content, new RegExp(`^${sources.length} semantic pattern: .*coffee`));
      const coffeeIds = new Set(
        (await e.memory.list(s))
          .filter((m) => m.content.includes('coffee') && m.primary_sector !== 'reflective')
          .map((m) => m.id),
      );
      for (const id of sources) assert.ok(coffeeIds.has(id), "only this user's coffee memories are sources");
      assert.equal((await e.memory.list(userScope('refl-other'), { sector: 'reflective' })).length, 0);
      await e.memory.runJob('reflect');
      assert.equal((await e.memory.list(s, { sector: 'reflective' })).length, 1, 'sources are not reflected twice');
    });

    test('deleteUser removes everything of that user and reports counts', async () => {
      const s = userScope('gone');
      const a = await e.memory.add(s, { content: 'Gone user keeps a parrot named Kiwi' });
      await e.memory.add(s, { content: 'Gone user keeps a parrot named Kiwi in a cage' });
      await e.memory.add(userScope('stays'), { content: 'Gone user keeps a parrot named Kiwi' });
      await e.memory.userSummary(s);
      const counts = await e.memory.deleteUser(s);
      assert.equal(counts.memories, 2);
      assert.ok(counts.vectors >= 2);
      assert.equal(counts.users, 1);
      await assert.rejects(e.memory.get(s, a.id), { code: 'not_found' });
      assert.equal((await e.memory.list(userScope('stays'))).length, 1);
      assert.equal((await e.memory.userStats(s)).memories, 0);
    });
  });
}
