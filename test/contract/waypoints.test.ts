import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { contract } from './backends.js';
import { item } from './data.js';

const alice = userScope('alice');

contract('waypoints', (current) => {
  it('writes the links of new memories, including links between memories of one batch', async () => {
    const { store } = current();
    const a = item();
    const b = item({}, [], [{ dstId: a.memory.id, weight: 0.3 }]);
    const c = item({}, [], [{ dstId: a.memory.id, weight: 0.9 }, { dstId: b.memory.id, weight: 0.2 }, { dstId: randomUUID(), weight: 1 }]);
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
    assert.deepEqual(out.map((w) => [w.dstId, w.weight]), [[a.memory.id, 1], [b.memory.id, 0.7], [c.memory.id, 0.4]]);
    assert.ok(out.every((w) => w.createdAt > 0 && w.updatedAt >= w.createdAt));
  });

  it('reinforces up to the cap and prunes weak links', async () => {
    const { store } = current();
    const [a, b, c] = [item(), item(), item()];
    await store.insertMemories(alice, [a, b, c]);
    await store.upsertWaypoints(alice, [
      { srcId: a.memory.id, dstId: b.memory.id, weight: 0.5 },
      { srcId: a.memory.id, dstId: c.memory.id, weight: 0.05 },
    ]);
    await store.reinforceWaypoints(alice, [{ srcId: a.memory.id, dstId: b.memory.id }], 0.3, 1);
    await store.reinforceWaypoints(alice, [{ srcId: a.memory.id, dstId: b.memory.id }], 0.3, 1);
    assert.equal(await store.pruneWaypoints(alice, 0.1), 1);
    assert.deepEqual((await store.outgoingWaypoints(alice, [a.memory.id])).map((w) => [w.dstId, w.weight]), [[b.memory.id, 1]]);
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
