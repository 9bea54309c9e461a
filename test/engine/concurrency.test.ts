import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, type OpenedEngine } from './backends.js';

for (const backend of BACKENDS) {
  describe(`concurrent writes (${backend.name})`, () => {
    let e: OpenedEngine;
    before(async () => (e = await backend.open()));
    after(() => e.cleanup());

    test('parallel adds of the same text by one user make one memory; by two users, two', async () => {
      const text = 'The spare key is under the third flowerpot by the back door';
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => e.memory.add(userScope('p1'), { content: text })),
        e.memory.add(userScope('p2'), { content: text }),
      ]);
      const p1 = new Set(results.slice(0, 5).map((r) => r.id));
      assert.equal(p1.size, 1);
      assert.equal(results.slice(0, 5).filter((r) => r.deduplicated).length, 4);
      assert.ok(!p1.has(results[5]!.id));
      assert.equal(await e.memory.store.countMemories(userScope('p1')), 1);
    });

    test('concurrent adds of one user are written together and end as the same adds one by one', async () => {
      const texts = Array.from(
        { length: 7 },
        (_, i) =>
          `Group fact ${i}: the ${['red', 'blue', 'green', 'gold', 'grey', 'pink', 'teal'][i]} folder holds the ${['lease', 'deeds', 'visas', 'bills', 'wills', 'maps', 'notes'][i]}`,
      );
      const inputs = [...texts, texts[2]!].map((content, i) => ({ content, tags: [`t${i}`] }));
      const store = e.memory.store;
      const inserts: number[] = [];
      const insertMemories = store.insertMemories.bind(store);
      store.insertMemories = (scope, items, log) => {
        inserts.push(items.length);
        return insertMemories(scope, items, log);
      };
      try {
        const together = await Promise.all(inputs.map((input) => e.memory.add(userScope('joint'), input)));
        assert.ok(
          inserts.length <= 2,
          `the adds waiting behind the first are inserted in one go: ${JSON.stringify(inserts)}`,
        );
        inserts.length = 0;
        const alone = [];
        for (const input of inputs) alone.push(await e.memory.add(userScope('alone'), input));
        // The repeat writes only its merge (no new row): still one store write, the add's transaction.
        assert.deepEqual(inserts, [1, 1, 1, 1, 1, 1, 1, 0]);
        assert.deepEqual(
          together.map((r) => r.deduplicated),
          alone.map((r) => r.deduplicated),
        );
        assert.equal(together[7]!.id, together[2]!.id, 'the repeat is answered with the memory it repeats');
        const view = async (user: string) => {
          const list = await e.memory.list(userScope(user), { limit: 100 });
          return list
            .map((m) => ({ content: m.content, tags: m.tags, salience: m.salience }))
            .sort((a, b) => a.content.localeCompare(b.content));
        };
        assert.deepEqual(
          await view('joint'),
          await view('alone'),
          'same memories, tags and salience (the repeat reinforces)',
        );
      } finally {
        store.insertMemories = insertMemories;
      }
    });

    test('one failing add among concurrent ones fails alone; the others are stored', async () => {
      const store = e.memory.store;
      const insertMemories = store.insertMemories.bind(store);
      store.insertMemories = (scope, items, log) =>
        items.some((i) => i.memory.content.includes('POISON'))
          ? Promise.reject(new Error('refused by the test store'))
          : insertMemories(scope, items, log);
      try {
        const s = userScope('poison');
        const results = await Promise.allSettled(
          [
            'Quiet fact one about ferns',
            'POISON fact about cacti',
            'Quiet fact three about moss',
            'Quiet fact four about ivy',
          ].map((content) => e.memory.add(s, { content })),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
        );
        assert.equal(await store.countMemories(s), 3);
      } finally {
        store.insertMemories = insertMemories;
      }
    });

    test('a summary rebuild runs after a burst and creates the users row', async () => {
      const s = userScope('burst');
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          e.memory.add(s, {
            content: `Burst fact ${i}: shelf ${i} holds the ${['atlas', 'cookbook', 'novel', 'diary', 'manual', 'poems', 'letters', 'maps'][i]}`,
          }),
        ),
      );
      await e.memory.settle();
      const user = await e.memory.store.getUser(s);
      assert.ok(user);
      assert.match(user.summary!, /^8 memories, /);
    });
  });
}
