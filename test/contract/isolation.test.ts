/**
 * Three scopes (two users and the default user) write colliding data: the same content, the
 * same simhash, the same vector, and an attempt to reuse another user's id. No method of one
 * scope may return, count, update, link or delete another scope's rows, and another user's id
 * must behave exactly like an id that does not exist.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { MemoryRecord } from '../../src/core/types.js';
import { OmError } from '../../src/errors.js';
import { DEFAULT_SCOPE, userScope, type UserScope } from '../../src/store/scope.js';
import type { Store } from '../../src/store/store.js';
import { contract } from './backends.js';
import { item, vec } from './data.js';

const SCOPES: Array<[string, UserScope]> = [
  ['alice', userScope('alice')],
  ['bob', userScope('bob')],
  ['default', DEFAULT_SCOPE],
];
const CONTENT = 'Shared secret: the vault code is 4711';
const SIMHASH = 'deadbeefdeadbeef';
const VECTOR = [0.6, 0.8, 0, 0];

/** Each scope gets one memory with identical content, simhash and vector, linked to itself. */
async function seed(store: Store): Promise<Map<string, MemoryRecord>> {
  const ids = new Map<string, MemoryRecord>();
  for (const [name, scope] of SCOPES) {
    const id = randomUUID();
    await store.insertMemories(scope, [
      item({ id, content: CONTENT, simhash: SIMHASH }, [vec('semantic', VECTOR)], [{ dstId: id, weight: 0.5 }]),
    ]);
    await store.saveUserSummary(scope, `summary of ${name}`, 1, 1);
    ids.set(name, (await store.getMemory(scope, id))!);
  }
  return ids;
}

/** What every read returns for `id` seen from `scope`. */
async function observe(store: Store, scope: UserScope, id: string) {
  return {
    get: await store.getMemory(scope, id),
    many: await store.getMemories(scope, [id]),
    vectors: [...(await store.getVectors(scope, [id])).entries()],
    links: await store.outgoingWaypoints(scope, [id]),
  };
}

contract('isolation', (current) => {
  it('another user’s id reads exactly like a missing id, for every read', async () => {
    const { store } = current();
    const mem = await seed(store);
    for (const [viewer, scope] of SCOPES) {
      const missing = await observe(store, scope, randomUUID());
      for (const [owner, m] of mem) {
        if (owner === viewer) continue;
        assert.deepEqual(await observe(store, scope, m.id), missing, `${viewer} reading ${owner}`);
      }
    }
  });

  it('lists, counts, dedup lookups, vector and text search return only the scope’s own rows', async () => {
    const { store } = current();
    const mem = await seed(store);
    for (const [viewer, scope] of SCOPES) {
      const own = mem.get(viewer)!.id;
      assert.deepEqual(
        (await store.listMemories(scope, { limit: 100, offset: 0 })).map((m) => m.id),
        [own],
        viewer,
      );
      assert.equal(await store.countMemories(scope), 1, viewer);
      assert.deepEqual(
        (await store.findBySimhash(scope, [SIMHASH])).map((m) => m.id),
        [own],
        viewer,
      );
      const probe = (await store.view(scope)).probe(new Map([['semantic', Float32Array.from(VECTOR)]]));
      assert.deepEqual(
        probe.nearest('semantic', 10).map((h) => h.id),
        [own],
        viewer,
      );
      assert.deepEqual((await store.loadSectorMatrix(scope, 'semantic')).ids, [own], viewer);
      const everyone = [...mem.values()].map((m) => m.id);
      assert.deepEqual(
        everyone.filter((id) => probe.similarities(id).size > 0),
        [own],
        viewer,
      );
      const view = await store.view(scope);
      assert.deepEqual(
        everyone.filter((id) => view.memory(id) !== undefined || view.outgoing(id).length > 0),
        [own],
        viewer,
      );
      assert.deepEqual(
        (await store.view(scope)).searchText(['vault', 'code', 'secret'], 10).map((h) => h.id),
        [own],
        viewer,
      );
      const stats = await store.userStats(scope);
      assert.deepEqual([stats.memories, stats.vectors, stats.waypoints], [1, 1, 1], viewer);
      assert.equal((await store.getUser(scope))?.summary, `summary of ${viewer}`);
    }
  });

  it('writes through another user’s id change nothing, exactly like a missing id', async () => {
    const { store } = current();
    const mem = await seed(store);
    const [, alice] = SCOPES[0]!;
    const aliceOwn = mem.get('alice')!.id;
    for (const [owner, m] of mem) {
      if (owner === 'alice') continue;
      assert.equal(
        await store.updateMemory(alice, m.id, { content: 'hijacked', updatedAt: 9, bumpVersion: true }),
        false,
      );
      assert.equal(await store.updateSalience(alice, [{ id: m.id, salience: 0 }]), 0);
      assert.equal(await store.deleteMemory(alice, m.id), false);
      await store.upsertWaypoints(alice, [
        { srcId: aliceOwn, dstId: m.id, weight: 1 },
        { srcId: m.id, dstId: aliceOwn, weight: 1 },
      ]);
      await store.recordRecalls([
        {
          scope: alice,
          recall: {
            salience: [{ id: m.id, salience: 0 }],
            path: [{ srcId: m.id, dstId: aliceOwn }],
            coactivated: [
              { srcId: m.id, dstId: m.id, gap: 0 },
              { srcId: aliceOwn, dstId: m.id, gap: 0 },
            ],
          },
        },
      ]);
    }
    assert.equal(await store.pruneWaypoints(alice, 2), 1);
    for (const [owner, scope] of SCOPES.slice(1)) {
      const before = mem.get(owner)!;
      assert.deepEqual(await store.getMemory(scope, before.id), before, owner);
      const links = await store.outgoingWaypoints(scope, [before.id]);
      assert.deepEqual(
        links.map((w) => [w.dstId, w.weight]),
        [[before.id, 0.5]],
        owner,
      );
      assert.equal((await store.getVectors(scope, [before.id])).get(before.id)?.length, 1, owner);
    }
    assert.deepEqual(await store.outgoingWaypoints(alice, [aliceOwn]), []);
  });

  it('reusing another user’s id fails without touching the owner’s row', async () => {
    const { store } = current();
    const mem = await seed(store);
    const bobs = mem.get('bob')!;
    for (const [viewer, scope] of [SCOPES[0]!, SCOPES[2]!]) {
      await assert.rejects(
        store.insertMemories(scope, [item({ id: bobs.id, content: 'mine now' })]),
        (e: unknown) => e instanceof OmError && e.code === 'conflict' && !e.message.includes(CONTENT),
        viewer,
      );
    }
    assert.deepEqual(await store.getMemory(SCOPES[1]![1], bobs.id), bobs);
  });

  it('erasing one user leaves the others whole', async () => {
    const { store } = current();
    const mem = await seed(store);
    for (const [victim, scope] of SCOPES) {
      assert.deepEqual(
        await store.deleteUserData(scope),
        { memories: 1, vectors: 1, waypoints: 1, users: 1, apiKeys: 0, embedLogs: 0, facts: 0 },
        victim,
      );
      for (const [other, otherScope] of SCOPES) {
        const expected = SCOPES.findIndex(([n]) => n === other) > SCOPES.findIndex(([n]) => n === victim) ? 1 : 0;
        assert.equal(await store.countMemories(otherScope), expected, `${other} after erasing ${victim}`);
      }
    }
    assert.equal(mem.size, 3);
  });
});
