import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import type { RecallWrite } from '../../src/store/store.js';
import { contract } from './backends.js';
import { item } from './data.js';

const alice = userScope('alice');

contract('waypoints', (current) => {
  it('writes the links of new memories, including links between memories of one batch', async () => {
    const { store } = current();
    const a = item();
    const b = item({}, [], [{ dstId: a.memory.id, weight: 0.3 }]);
    const c = item(
      {},
      [],
      [
        { dstId: a.memory.id, weight: 0.9 },
        { dstId: b.memory.id, weight: 0.2 },
        { dstId: randomUUID(), weight: 1 },
      ],
    );
    await store.insertMemories(alice, [a, b, c]);
    const out = await store.outgoingWaypoints(alice, [b.memory.id, c.memory.id]);
    assert.deepEqual(
      out.map((w) => [w.srcId, w.dstId, w.weight]),
      [
        [c.memory.id, a.memory.id, 0.9],
        [b.memory.id, a.memory.id, 0.3],
        [c.memory.id, b.memory.id, 0.2],
      ],
    );
  });

  it('keys links by (src, dst): several outgoing links per memory, upsert updates the weight', async () => {
    const { store } = current();
    const [a, b, c] = [item(), item(), item()];
    await store.insertMemories(alice, [a, b, c]);
    await store.upsertWaypoints(alice, [
      { srcId: a.memory.id, dstId: b.memory.id, weight: 0.5 },
      { srcId: a.memory.id, dstId: c.memory.id, weight: 0.4 },
      { srcId: a.memory.id, dstId: a.memory.id, weight: 1 },
    ]);
    await store.upsertWaypoints(alice, [{ srcId: a.memory.id, dstId: b.memory.id, weight: 0.7 }]);
    const out = await store.outgoingWaypoints(alice, [a.memory.id]);
    assert.deepEqual(
      out.map((w) => [w.dstId, w.weight]),
      [
        [a.memory.id, 1],
        [b.memory.id, 0.7],
        [c.memory.id, 0.4],
      ],
    );
    assert.ok(out.every((w) => w.createdAt > 0 && w.updatedAt >= w.createdAt));
  });

  it('reinforces up to the cap and prunes weak links', async () => {
    const { store } = current();
    const [a, b, c] = [item(), item(), item()];
    await store.insertMemories(alice, [a, b, c]);
    await store.upsertWaypoints(alice, [
      { srcId: a.memory.id, dstId: b.memory.id, weight: 0.97 },
      { srcId: a.memory.id, dstId: c.memory.id, weight: 0.05 },
    ]);
    const boost: RecallWrite = { salience: [], path: [{ srcId: a.memory.id, dstId: b.memory.id }], coactivated: [] };
    await store.recordRecalls([{ scope: alice, recall: boost }]);
    await store.recordRecalls([{ scope: alice, recall: boost }]);
    assert.equal(await store.pruneWaypoints(alice, 0.1), 1);
    assert.deepEqual(
      (await store.outgoingWaypoints(alice, [a.memory.id])).map((w) => [w.dstId, w.weight]),
      [[b.memory.id, 1]],
    );
  });

  it('records a recall in one go: salience, links weighed from their current weight, absent ones left absent', async () => {
    const { store } = current();
    const [a, b, c] = [item({ salience: 0.2 }), item(), item()];
    await store.insertMemories(alice, [a, b, c]);
    await store.upsertWaypoints(alice, [{ srcId: a.memory.id, dstId: b.memory.id, weight: 0.5 }]);
    const recall: RecallWrite = {
      salience: [{ id: a.memory.id, salience: 0.9, lastSeenAt: 1234 }],
      // A path link strengthens only where it exists.
      path: [
        { srcId: a.memory.id, dstId: b.memory.id },
        { srcId: b.memory.id, dstId: c.memory.id },
      ],
      coactivated: [
        { srcId: c.memory.id, dstId: a.memory.id, gap: 0 },
        { srcId: a.memory.id, dstId: randomUUID(), gap: 0 },
      ],
    };
    await store.recordRecalls([{ scope: alice, recall }]);
    const m = await store.getMemory(alice, a.memory.id);
    assert.deepEqual([m?.salience, m?.lastSeenAt], [0.9, 1234]);
    const out = await store.outgoingWaypoints(alice, [a.memory.id, b.memory.id, c.memory.id]);
    assert.deepEqual(
      out.map((w) => [w.srcId, w.dstId, w.weight]).sort(),
      [
        [a.memory.id, b.memory.id, 0.55],
        [c.memory.id, a.memory.id, 0.1],
      ].sort(),
      'the absent path link stayed absent; the link to a missing memory was ignored',
    );
  });

  it('records the recalls of several users in one transaction, each within its own scope', async () => {
    const { store } = current();
    const bob = userScope('bob');
    const [a1, a2, b1, b2] = [item(), item(), item(), item()];
    await store.insertMemories(alice, [a1, a2]);
    await store.insertMemories(bob, [b1, b2]);
    const recall = (own: string, other: string, foreign: string): RecallWrite => ({
      salience: [
        { id: own, salience: 0.8 },
        { id: foreign, salience: 0.01 },
      ],
      path: [],
      coactivated: [
        { srcId: own, dstId: other, gap: 0 },
        { srcId: own, dstId: foreign, gap: 0 },
      ],
    });
    await store.recordRecalls([
      { scope: bob, recall: recall(b1.memory.id, b2.memory.id, a1.memory.id) },
      { scope: alice, recall: recall(a1.memory.id, a2.memory.id, b1.memory.id) },
      { scope: alice, recall: { salience: [{ id: a1.memory.id, salience: 0.9 }], path: [], coactivated: [] } },
    ]);
    assert.deepEqual(
      (await store.getMemories(alice, [a1.memory.id, b1.memory.id])).map((m) => m.salience),
      [0.9],
      'the later recall of a user wins',
    );
    assert.deepEqual(
      (await store.getMemories(bob, [b1.memory.id])).map((m) => m.salience),
      [0.8],
    );
    assert.deepEqual(
      (await store.outgoingWaypoints(alice, [a1.memory.id])).map((w) => [w.dstId, w.weight]),
      [[a2.memory.id, 0.1]],
    );
    assert.deepEqual(
      (await store.outgoingWaypoints(bob, [b1.memory.id])).map((w) => [w.dstId, w.weight]),
      [[b2.memory.id, 0.1]],
    );
    const view = await store.view(alice);
    assert.deepEqual(
      [view.memory(a1.memory.id)?.salience, view.outgoing(a1.memory.id)],
      [0.9, [{ dstId: a2.memory.id, weight: 0.1 }]],
      'the model took what was written',
    );
  });

  it('weighs a user’s links on its own stored weights when another user of the batch lists the same source', async () => {
    const { store } = current();
    const bob = userScope('bob');
    const [a1, a2, b1] = [item(), item(), item()];
    await store.insertMemories(alice, [a1, a2]);
    await store.insertMemories(bob, [b1]);
    await store.upsertWaypoints(alice, [{ srcId: a1.memory.id, dstId: a2.memory.id, weight: 0.5 }]);
    await store.recordRecalls([
      { scope: alice, recall: { salience: [], path: [{ srcId: a1.memory.id, dstId: a2.memory.id }], coactivated: [] } },
      { scope: bob, recall: { salience: [], path: [{ srcId: a1.memory.id, dstId: b1.memory.id }], coactivated: [] } },
    ]);
    assert.deepEqual(
      (await store.outgoingWaypoints(alice, [a1.memory.id])).map((w) => [w.dstId, w.weight]),
      [[a2.memory.id, 0.55]],
    );
    assert.deepEqual(await store.outgoingWaypoints(bob, [a1.memory.id, b1.memory.id]), []);
  });

  it('ignores links to missing memories or from malformed ids', async () => {
    const { store } = current();
    const a = item();
    await store.insertMemories(alice, [a]);
    await store.upsertWaypoints(alice, [
      { srcId: a.memory.id, dstId: randomUUID(), weight: 0.5 },
      { srcId: 'junk', dstId: a.memory.id, weight: 0.5 },
    ]);
    assert.deepEqual(await store.outgoingWaypoints(alice, [a.memory.id, 'junk']), []);
  });
});
