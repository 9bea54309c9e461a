import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isNearDuplicate, simhash } from '../../src/core/simhash.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, type OpenedEngine } from './backends.js';

const alice = userScope('alice');
const bob = userScope('bob');

for (const backend of BACKENDS) {
  describe(`add and dedup (${backend.name})`, () => {
    let e: OpenedEngine;
    before(async () => (e = await backend.open()));
    after(() => e.cleanup());

    test('classifies, keeps the full content and honours metadata.sector', async () => {
      const long = `${'I went to the store today. '.repeat(40)}The end.`;
      const r = await e.memory.add(alice, { content: long, tags: ['shop'] });
      assert.equal(r.primary_sector, 'episodic');
      const got = await e.memory.get(alice, r.id);
      assert.equal(got.content, long);
      assert.deepEqual(got.tags, ['shop']);
      assert.equal(got.user_id, 'alice');
      const forced = await e.memory.add(alice, {
        content: 'I went to the store today to buy flour',
        metadata: { sector: 'procedural' },
      });
      assert.equal(forced.primary_sector, 'procedural');
      assert.deepEqual(forced.sectors, ['procedural']);
    });

    test('same text: deduplicated within a user, a new memory for another user', async () => {
      const text = 'My favourite tea is jasmine green tea from Fujian';
      const a1 = await e.memory.add(alice, { content: text });
      const a2 = await e.memory.add(alice, { content: text, tags: ['tea'] });
      assert.equal(a2.id, a1.id);
      assert.equal(a2.deduplicated, true);
      const merged = await e.memory.get(alice, a1.id);
      assert.deepEqual(merged.tags, ['tea']);
      assert.ok(merged.salience > 0.4);
      const b = await e.memory.add(bob, { content: text });
      assert.notEqual(b.id, a1.id);
      assert.equal(b.deduplicated, undefined);
      await assert.rejects(e.memory.get(bob, a1.id), { code: 'not_found' });
    });

    test('CJK and emoji texts do not collapse', async () => {
      const texts = ['我喜欢猫', '我喜欢狗', '今天天气很好', '🎉🎂', '🐶🐱', '🚀'];
      const ids = new Set<string>();
      for (const content of texts) {
        const r = await e.memory.add(bob, { content });
        assert.equal(r.deduplicated, undefined, content);
        ids.add(r.id);
      }
      assert.equal(ids.size, texts.length);
    });

    test('addMany dedups inside the batch and stores the rest in one go', async () => {
      const carol = userScope('carol');
      const rs = await e.memory.addMany(carol, [
        { content: 'Carol owns a red kayak', tags: ['boat'] },
        { content: 'Carol owns a red kayak', tags: ['red'] },
        { content: 'Carol studies marine biology' },
      ]);
      assert.equal(rs[1]!.id, rs[0]!.id);
      assert.equal(rs[1]!.deduplicated, true);
      assert.notEqual(rs[2]!.id, rs[0]!.id);
      assert.equal((await e.memory.list(carol)).length, 2);
      assert.deepEqual((await e.memory.get(carol, rs[0]!.id)).tags, ['boat', 'red'], "the repeat's tags are kept");
      const again = await e.memory.addMany(carol, [
        { content: 'Carol owns a red kayak', tags: ['sea'] },
        { content: 'Carol owns a red kayak!', tags: ['summer'] },
      ]);
      assert.ok(again.every((r) => r.id === rs[0]!.id && r.deduplicated));
      const merged = await e.memory.get(carol, rs[0]!.id);
      assert.deepEqual(merged.tags, ['boat', 'red', 'sea', 'summer']);
      assert.ok(merged.salience >= 0.4 + 2 * 0.15 - 1e-9, 'each repeat reinforces');
    });

    test('a batch repeating an item that is itself a near-duplicate of an earlier one answers every item', async () => {
      const erin = userScope('erin');
      const first =
        'Erin keeps her bicycle in the garage next to the old freezer and the broken lawnmower from last summer';
      const twin = `there ${first}`;
      const rs = await e.memory.addMany(erin, [{ content: first }, { content: twin }, { content: twin }]);
      assert.equal(rs.length, 3);
      assert.ok(
        rs.every((r) => r.id === rs[0]!.id),
        JSON.stringify(rs),
      );
      assert.deepEqual(
        rs.map((r) => r.deduplicated),
        [undefined, true, true],
      );
      assert.equal((await e.memory.list(erin)).length, 1);
    });

    test('texts that differ by one name or number stay separate memories, even when their fingerprints collide', async () => {
      const gus = userScope('gus');
      // Found by search: these two share a 64-bit fingerprint within 3 bits and a cosine above 0.95.
      const a = 'The router password for the velkawunka project is kept in the kitchen cabinet above the sink.';
      const b = 'The router password for the kafewpimgho project is kept in the kitchen cabinet above the sink.';
      assert.ok(isNearDuplicate(simhash(a), simhash(b)));
      const one = await e.memory.add(gus, { content: a });
      const two = await e.memory.add(gus, { content: b });
      assert.notEqual(two.id, one.id);
      assert.equal(two.deduplicated, undefined);
      const batch = await e.memory.addMany(gus, [
        { content: 'I have 3 bags (note 12)' },
        { content: 'I have 3 bags (note 13)' },
      ]);
      assert.notEqual(batch[0]!.id, batch[1]!.id);
      assert.equal((await e.memory.list(gus)).length, 4);
    });

    test('waypoints link only within the user', async () => {
      const dave = userScope('dave');
      const first = await e.memory.add(dave, { content: 'Dave trains for the Berlin marathon every weekend' });
      const second = await e.memory.add(dave, {
        content: 'Dave trains for the Berlin marathon on weekends with his club',
      });
      await e.memory.add(alice, { content: 'Dave trains for the Berlin marathon every weekend, says Alice' });
      const links = await e.memory.store.outgoingWaypoints(dave, [second.id]);
      assert.deepEqual(
        links.map((l) => l.dstId),
        [first.id],
      );
      const aliceIds = new Set((await e.memory.list(alice)).map((m) => m.id));
      for (const l of await e.memory.store.outgoingWaypoints(alice, [...aliceIds])) assert.ok(aliceIds.has(l.dstId));
    });

    test('memories of one bulk insert link to each other', async () => {
      const f = userScope('frank');
      const [a, b] = await e.memory.addMany(f, [
        { content: 'Frank grows tomatoes and basil on the balcony' },
        { content: 'Frank grows tomatoes and basil on his balcony every summer' },
      ]);
      const links = await e.memory.store.outgoingWaypoints(f, [b!.id]);
      assert.deepEqual(
        links.map((l) => l.dstId),
        [a!.id],
      );
    });

    test('bad input is a validation error and writes nothing', async () => {
      const before = await e.memory.store.countMemories(userScope('erin'));
      await assert.rejects(e.memory.add(userScope('erin'), { content: '  ' }), { code: 'validation_error' });
      await assert.rejects(e.memory.add(userScope('erin'), { content: 'x', tags: [1 as unknown as string] }), {
        code: 'validation_error',
      });
      await assert.rejects(e.memory.addMany(userScope('erin'), [{ content: 'ok' }, { content: '' }]), {
        code: 'validation_error',
      });
      // Values one backend would store and the other refuse are refused on both, before any write.
      await assert.rejects(e.memory.add(userScope('erin'), { content: 'a\u0000b' }), {
        code: 'validation_error',
        message: /NUL/,
      });
      await assert.rejects(e.memory.add(userScope('erin'), { content: 'x', tags: ['\u0000'] }), {
        code: 'validation_error',
      });
      await assert.rejects(e.memory.add(userScope('erin'), { content: 'x', metadata: { k: ['\u0000'] } }), {
        code: 'validation_error',
      });
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 5000; i++) deep = { a: deep };
      await assert.rejects(e.memory.add(userScope('erin'), { content: 'x', metadata: deep }), {
        code: 'validation_error',
        message: /nested deeper/,
      });
      assert.throws(() => userScope('e\u0000rin'), { code: 'validation_error' });
      assert.equal(await e.memory.store.countMemories(userScope('erin')), before);
    });

    test('vectors record the embedder id', async () => {
      const r = await e.memory.add(alice, { content: 'Alice keeps bees on the roof' });
      const v = await e.memory.store.getVectors(alice, [r.id]);
      assert.ok(v.get(r.id)!.every((x) => x.model === e.memory.embedder.id));
      assert.equal(e.memory.modelStatus.ok, true);
    });
  });
}
