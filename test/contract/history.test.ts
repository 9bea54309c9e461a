/**
 * Memory history in the store: written by the transaction of the change it records (a change
 * whose history cannot be written does not happen), read only within the scope, kept after the
 * memory's delete and erased with the user.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { actingAs, userScope } from '../../src/store/scope.js';
import { BACKENDS, contract } from './backends.js';
import { item, T0 } from './data.js';

const alice = actingAs(userScope('alice'), 'key-1');
const bob = userScope('bob');

contract('memory history', (current) => {
  it('records adds, merges, updates, reinforcements and deletes with the content before', async () => {
    const { store } = current();
    const m = item({ content: 'first words' });
    await store.insertMemories(alice, [m], { at: T0 });
    await store.insertMemories(alice, [], {
      merges: [{ id: m.memory.id, salience: 0.7, lastSeenAt: T0 + 1, tags: ['t', 'u'], repeatedBy: 'first words!' }],
      at: T0 + 1,
    });
    assert.deepEqual((await store.getMemory(alice, m.memory.id))?.tags, ['t', 'u']);
    await store.updateMemory(alice, m.memory.id, { content: 'second words', updatedAt: T0 + 2 });
    assert.equal(await store.reinforceMemory(alice, { id: m.memory.id, salience: 0.9, lastSeenAt: T0 + 3 }), true);
    await store.updateSalience(alice, [{ id: m.memory.id, salience: 0.95 }]);
    assert.equal(await store.deleteMemory(alice, m.memory.id, T0 + 4), true);
    const h = await store.memoryHistory(alice, m.memory.id);
    assert.deepEqual(
      h.map((e) => [e.event, e.content, e.previousContent, e.actor, e.at]),
      [
        ['add', 'first words', null, 'key-1', T0],
        ['supersede', 'first words', 'first words', 'key-1', T0 + 1],
        ['supersede', 'second words', 'first words', 'key-1', T0 + 2],
        ['reinforce', 'second words', 'second words', 'key-1', T0 + 3],
        ['delete', null, 'second words', 'key-1', T0 + 4],
      ],
    );
    assert.deepEqual(h[1]!.detail, { repeated_by: 'first words!', salience: 0.7, tags: ['t', 'u'] });
    assert.deepEqual(h[2]!.detail, { fields: ['content'] });
    assert.equal(h[0]!.memoryId, m.memory.id);
  });

  it("another user's id reads nothing and records nothing; the user's erasure removes the history", async () => {
    const { store } = current();
    const m = item();
    await store.insertMemories(alice, [m]);
    assert.deepEqual(await store.memoryHistory(bob, m.memory.id), []);
    assert.equal(await store.updateMemory(bob, m.memory.id, { tags: ['x'], updatedAt: T0 }), false);
    assert.equal(await store.reinforceMemory(bob, { id: m.memory.id, salience: 1, lastSeenAt: T0 }), false);
    assert.equal(await store.deleteMemory(bob, m.memory.id), false);
    assert.deepEqual(
      (await store.memoryHistory(alice, m.memory.id)).map((e) => e.event),
      ['add'],
    );
    assert.deepEqual(await store.memoryHistory(alice, 'not-an-id'), []);
    await store.deleteUserData(bob);
    assert.equal((await store.memoryHistory(alice, m.memory.id)).length, 1);
    await store.deleteUserData(alice);
    assert.deepEqual(await store.memoryHistory(alice, m.memory.id), []);
  });
});

for (const backend of BACKENDS) {
  describe(`memory history is part of the change [${backend.name}]`, () => {
    it('an add, update or delete whose history cannot be written leaves the database unchanged', async () => {
      const db = await backend.blank();
      const store = await openStore(loadConfig(db.env), { migrate: true, log: () => {} });
      try {
        const kept = item({ content: 'kept as it was' });
        await store.insertMemories(alice, [kept]);
        await db.run(`DROP TABLE ${db.table(db.names.memoryHistory)}`);
        await assert.rejects(store.insertMemories(alice, [item()]));
        await assert.rejects(store.updateMemory(alice, kept.memory.id, { content: 'changed', updatedAt: T0 }));
        await assert.rejects(store.deleteMemory(alice, kept.memory.id));
        assert.equal(await store.countMemories(alice), 1);
        assert.equal((await store.getMemory(alice, kept.memory.id))?.content, 'kept as it was');
      } finally {
        await store.close();
        await db.cleanup();
      }
    });
  });
}
