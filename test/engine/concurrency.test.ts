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

    test('a summary rebuild runs after a burst and creates the users row', async () => {
      const s = userScope('burst');
      await Promise.all(Array.from({ length: 8 }, (_, i) => e.memory.add(s, { content: `Burst fact ${i}: shelf ${i} holds the ${['atlas', 'cookbook', 'novel', 'diary', 'manual', 'poems', 'letters', 'maps'][i]}` })));
      await e.memory.settle();
      const user = await e.memory.store.getUser(s);
      assert.ok(user);
      assert.match(user.summary!, /^8 memories, /);
    });
  });
}
