import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, testClock, type OpenedEngine } from './backends.js';

const ann = userScope('ann');
const ben = userScope('ben');
const DAY = 86_400_000;

for (const backend of BACKENDS) {
  describe(`query (${backend.name})`, () => {
    let e: OpenedEngine;
    const clock = testClock();
    const ids: Record<string, string> = {};

    before(async () => {
      e = await backend.open({}, { now: clock.now });
      const add = async (name: string, scope = ann, content: string, extra = {}) =>
        (ids[name] = (await e.memory.add(scope, { content, ...extra })).id);
      await add('bike', ann, 'Ann rides a green bicycle to the office every morning', { tags: ['commute'] });
      await add('bikeOld', ann, 'Ann sold her old bicycle last spring', { tags: ['sale'] });
      await add('recipe', ann, 'How to bake sourdough: first feed the starter, then knead the dough', {
        tags: ['food'],
      });
      await add('secret', ben, 'Ben rides a green bicycle to the office every morning');
      clock.advance(DAY);
    });
    after(() => e.cleanup());

    test('ranks the closest memory first with scores in [0, 1] and parts', async () => {
      const { matches } = await e.memory.query(ann, { query: 'green bicycle to the office', reinforce: false });
      assert.equal(matches[0]!.id, ids.bike);
      for (const m of matches) {
        assert.ok(m.score >= 0 && m.score <= 1);
        assert.deepEqual(Object.keys(m.parts).sort(), [
          'keyword',
          'overlap',
          'recency',
          'salience',
          'similarity',
          'tag',
          'waypoint',
        ]);
      }
      for (let i = 1; i < matches.length; i++) assert.ok(matches[i - 1]!.score >= matches[i]!.score);
      assert.ok(matches[0]!.score > 0);
    });

    test("never returns another user's memory, even with identical text", async () => {
      const a = await e.memory.query(ann, { query: 'Ann Ben green bicycle office morning', k: 100, reinforce: false });
      assert.ok(!a.matches.some((m) => m.id === ids.secret));
      const b = await e.memory.query(ben, { query: 'sourdough starter bicycle', k: 100, reinforce: false });
      assert.deepEqual(
        b.matches.map((m) => m.id),
        [ids.secret],
      );
      assert.ok(
        b.matches[0]!.score > 0.1,
        `a lone result keeps a meaningful score (v1.2's z-score made it 0): ${b.matches[0]!.score}`,
      );
      for (const m of b.matches) for (const p of m.path) assert.equal(p, ids.secret);
    });

    test('filters: sectors, tags, minScore, since/until, k', async () => {
      const proc = await e.memory.query(ann, { query: 'bicycle sourdough', sectors: ['procedural'], reinforce: false });
      assert.deepEqual(
        proc.matches.map((m) => m.id),
        [ids.recipe],
      );
      const tagged = await e.memory.query(ann, { query: 'bicycle', tags: ['sale'], reinforce: false });
      assert.deepEqual(
        tagged.matches.map((m) => m.id),
        [ids.bikeOld],
      );
      assert.equal(tagged.matches[0]!.parts.tag, 1);
      const one = await e.memory.query(ann, { query: 'bicycle', k: 1, reinforce: false });
      assert.equal(one.matches.length, 1);
      const none = await e.memory.query(ann, { query: 'bicycle', minScore: 0.99, reinforce: false });
      assert.equal(none.matches.length, 0);
      const future = await e.memory.query(ann, { query: 'bicycle', since: clock.now() + 1, reinforce: false });
      assert.equal(future.matches.length, 0);
      await assert.rejects(e.memory.query(ann, { query: 'x', k: 0 }), { code: 'validation_error' });
      await assert.rejects(e.memory.query(ann, { query: 'x', k: 101 }), { code: 'validation_error' });
      await assert.rejects(e.memory.query(ann, { query: '' }), { code: 'validation_error' });
    });

    test('exact words are found through text search even when vectors are weak', async () => {
      const id = (await e.memory.add(ann, { content: 'Locker code Zq7Xw for the gym on Elm street' })).id;
      const { matches } = await e.memory.query(ann, { query: 'Zq7Xw', reinforce: false });
      assert.equal(matches[0]!.id, id);
    });

    test('CJK and emoji memories are found by what they contain', async () => {
      const u = userScope('unicode');
      const cat = (await e.memory.add(u, { content: '我喜欢猫和狗' })).id;
      const weather = (await e.memory.add(u, { content: '今天天气很好，我们去公园散步' })).id;
      const party = (await e.memory.add(u, { content: '🎉🎂 birthday party on Saturday' })).id;
      assert.equal((await e.memory.query(u, { query: '猫', reinforce: false })).matches[0]!.id, cat);
      assert.equal((await e.memory.query(u, { query: '天气 公园', reinforce: false })).matches[0]!.id, weather);
      assert.equal((await e.memory.query(u, { query: '🎂', reinforce: false })).matches[0]!.id, party);
    });

    test('the answer is reinforced (salience up, seen now) and co-activated with the runner-up; the others are left alone', async () => {
      const { matches: seen } = await e.memory.query(ann, { query: 'Ann bicycle', k: 2, reinforce: false });
      const before = await Promise.all(seen.map((m) => e.memory.get(ann, m.id)));
      const { matches } = await e.memory.query(ann, { query: 'Ann bicycle', k: 2 });
      assert.deepEqual(
        matches.map((m) => m.id),
        seen.map((m) => m.id),
      );
      const [top, second] = await Promise.all(matches.map((m) => e.memory.get(ann, m.id)));
      assert.ok(top!.salience > before[0]!.salience);
      assert.equal(top!.last_seen_at, clock.now());
      assert.deepEqual([second!.salience, second!.last_seen_at], [before[1]!.salience, before[1]!.last_seen_at]);
      const links = await e.memory.store.outgoingWaypoints(ann, [matches[0]!.id]);
      assert.ok(links.some((l) => l.dstId === matches[1]!.id));
      const dry = await e.memory.get(ann, ids.recipe!);
      await e.memory.query(ann, { query: 'sourdough', reinforce: false });
      assert.equal((await e.memory.get(ann, ids.recipe!)).salience, dry.salience);
    });

    test('waypoints expand the result set within the user and report the path', async () => {
      const u = userScope('wp');
      const a = (await e.memory.add(u, { content: 'Project Falcon kickoff is scheduled with the design team' })).id;
      const b = (await e.memory.add(u, { content: 'Remember to order extra chairs for the big room' })).id;
      await e.memory.link(u, a, [b], 0.9);
      const { matches } = await e.memory.query(u, { query: 'Falcon kickoff design', k: 5, reinforce: false });
      const viaLink = matches.find((m) => m.id === b);
      assert.ok(viaLink, 'linked memory reached');
      assert.ok(viaLink.parts.waypoint > 0);
      assert.equal(await e.memory.link(u, a, [ids.bike!], 0.9), 0, 'links to another user are refused');
    });
  });
}

for (const backend of BACKENDS) {
  test(`queries beyond OM_MAX_ACTIVE are refused as unavailable, not queued (${backend.name})`, async () => {
    const e = await backend.open({ OM_MAX_ACTIVE: '1' });
    try {
      await e.memory.add(ann, { content: 'Ann waters the ferns on Sundays' });
      const [first, second] = await Promise.allSettled([
        e.memory.query(ann, { query: 'ferns', reinforce: false }),
        e.memory.query(ann, { query: 'ferns', reinforce: false }),
      ]);
      assert.equal(first.status, 'fulfilled');
      assert.equal(second.status, 'rejected');
      assert.equal((second as PromiseRejectedResult).reason.code, 'unavailable');
      assert.equal(
        (await e.memory.query(ann, { query: 'ferns', reinforce: false })).matches.length,
        1,
        'the slot is released',
      );
    } finally {
      await e.cleanup();
    }
  });
}
