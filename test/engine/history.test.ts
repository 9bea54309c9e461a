/**
 * Memory history on both backends: every change by hand is recorded with the previous content,
 * the time and the actor, in the change's transaction; queries add nothing; a deleted memory's
 * history stays readable by its owner only, until the user is erased.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { actingAs, userScope } from '../../src/store/scope.js';
import { BACKENDS, testClock, type OpenedEngine } from './backends.js';

const alice = actingAs(userScope('alice'), 'key-alice');
const bob = userScope('bob');

for (const backend of BACKENDS) {
  describe(`memory history (${backend.name})`, () => {
    let e: OpenedEngine;
    const clock = testClock();
    before(async () => (e = await backend.open({}, { now: clock.now })));
    after(() => e.cleanup());

    test('add, update, content replaced, reinforce, merged repeat and delete, in order, with actor and time', async () => {
      const start = clock.now();
      const { id } = await e.memory.add(alice, { content: 'Alice keeps her bike in the blue shed behind the house' });
      clock.advance(1000);
      await e.memory.update(alice, id, { tags: ['bike'] });
      clock.advance(1000);
      await e.memory.update(alice, id, { content: 'Alice keeps her bike in the red garage next to the house' });
      clock.advance(1000);
      await e.memory.reinforce(alice, id, 0.2);
      clock.advance(1000);
      const again = await e.memory.add(userScope('alice'), {
        content: 'Alice keeps her bike in the red garage next to the house',
        tags: ['garage'],
      });
      assert.equal(again.deduplicated, true);
      // A query's reinforcement is automatic: it is not history.
      await e.memory.query(alice, { query: 'where is the bike?' });
      await e.memory.settle();
      clock.advance(1000);
      await e.memory.delete(alice, id);

      const h = await e.memory.history(alice, id);
      assert.deepEqual(
        h.map((x) => [x.event, x.actor, x.at - start]),
        [
          ['add', 'key-alice', 0],
          ['update', 'key-alice', 1000],
          ['supersede', 'key-alice', 2000],
          ['reinforce', 'key-alice', 3000],
          ['supersede', 'local', 4000],
          ['delete', 'key-alice', 5000],
        ],
      );
      assert.deepEqual(h[1]!.detail, { fields: ['tags'] });
      assert.equal(h[2]!.previous_content, 'Alice keeps her bike in the blue shed behind the house');
      assert.equal(h[2]!.content, 'Alice keeps her bike in the red garage next to the house');
      assert.ok(typeof h[3]!.detail?.salience === 'number');
      assert.equal(h[4]!.detail?.repeated_by, 'Alice keeps her bike in the red garage next to the house');
      assert.deepEqual(h[4]!.detail?.tags, ['bike', 'garage']);
      assert.equal(h[5]!.content, null);
      assert.equal(h[5]!.previous_content, 'Alice keeps her bike in the red garage next to the house');
    });

    test('adds of one user by two keys written in one batch keep each its own actor', async () => {
      const base = userScope('carol');
      const [a, b, repeat] = await Promise.all([
        e.memory.add(actingAs(base, 'key-a'), { content: 'Carol bakes rye bread on Fridays' }),
        e.memory.add(actingAs(base, 'key-b'), { content: 'Carol swims in the lake in June' }),
        e.memory.add(actingAs(base, 'key-c'), { content: 'Carol bakes rye bread on Fridays' }),
      ]);
      assert.equal(repeat.id, a.id);
      // The repeat joined the same batch: recorded as one after it, as if added after it.
      const events = async (id: string) => (await e.memory.history(base, id)).map((h) => [h.event, h.actor]);
      assert.deepEqual(await events(a.id), [
        ['add', 'key-a'],
        ['supersede', 'key-c'],
      ]);
      assert.deepEqual(await events(b.id), [['add', 'key-b']]);
      await e.memory.add(actingAs(base, 'key-b'), { content: 'Carol bakes rye bread on Fridays' });
      assert.deepEqual(await events(a.id), [
        ['add', 'key-a'],
        ['supersede', 'key-c'],
        ['supersede', 'key-b'],
      ]);
    });

    test("another user's history is a missing memory; erasing the user erases it", async () => {
      const { id } = await e.memory.add(alice, { content: 'Alice parks on level three of the station car park' });
      await assert.rejects(e.memory.history(bob, id), { code: 'not_found' });
      await assert.rejects(e.memory.history(alice, '00000000-0000-4000-8000-000000000000'), { code: 'not_found' });
      await e.memory.delete(alice, id);
      assert.equal((await e.memory.history(alice, id)).length, 2);
      await e.memory.deleteUser(alice);
      await assert.rejects(e.memory.history(alice, id), { code: 'not_found' });
    });
  });
}
