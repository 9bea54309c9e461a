import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEFAULT_SCOPE, userScope } from '../../src/store/scope.js';
import { contract } from './backends.js';
import { item, vec } from './data.js';

const alice = userScope('alice');

contract('users', (current) => {
  it('creates the user row on first summary and adds to the reflection count', async () => {
    const { store } = current();
    assert.equal(await store.getUser(alice), null);
    const first = await store.saveUserSummary(alice, 'one', 1, 100);
    assert.deepEqual(first, { userId: 'alice', summary: 'one', reflectionCount: 1, createdAt: 100, updatedAt: 100 });
    const second = await store.saveUserSummary(alice, 'two', 2, 200);
    assert.deepEqual(second, { userId: 'alice', summary: 'two', reflectionCount: 3, createdAt: 100, updatedAt: 200 });
  });

  it('keeps the default user as a user of its own', async () => {
    const { store } = current();
    const saved = await store.saveUserSummary(DEFAULT_SCOPE, 'anon', 0, 5);
    assert.equal(saved.userId, null);
    assert.equal((await store.getUser(DEFAULT_SCOPE))?.summary, 'anon');
    assert.equal(await store.getUser(alice), null);
  });

  it('reports per-user statistics', async () => {
    const { store } = current();
    const now = Date.now();
    const a = item({ primarySector: 'semantic', salience: 0.2, createdAt: now - 1000 }, [
      vec('semantic', [1, 0, 0, 0]),
    ]);
    const b = item(
      { primarySector: 'semantic', salience: 0.4, createdAt: now - 3 * 86_400_000 },
      [],
      [{ dstId: a.memory.id, weight: 0.5 }],
    );
    const c = item({ primarySector: 'episodic', salience: 0.9, createdAt: now - 2000 });
    await store.insertMemories(alice, [a, b, c]);
    const s = await store.userStats(alice);
    assert.equal(s.memories, 3);
    assert.equal(s.vectors, 1);
    assert.equal(s.waypoints, 1);
    assert.equal(s.createdLast24h, 2);
    assert.equal(s.lastCreatedAt, now - 1000);
    assert.ok(Math.abs(s.avgSalience - 0.5) < 1e-9);
    assert.deepEqual(
      s.sectors.map((x) => [x.sector, x.count]),
      [
        ['semantic', 2],
        ['episodic', 1],
      ],
    );
    const empty = await store.userStats(userScope('nobody'));
    assert.deepEqual([empty.memories, empty.avgSalience, empty.lastCreatedAt, empty.sectors], [0, 0, null, []]);
  });

  it('erases every row of one user and reports the counts', async () => {
    const { store } = current();
    const a = item({}, [vec('semantic', [1, 0, 0, 0]), vec('episodic', [0, 1, 0, 0])]);
    const b = item({}, [], [{ dstId: a.memory.id, weight: 0.5 }]);
    await store.insertMemories(alice, [a, b]);
    await store.saveUserSummary(alice, 's', 1, 1);
    assert.deepEqual(await store.deleteUserData(alice), {
      memories: 2,
      vectors: 2,
      waypoints: 1,
      users: 1,
      apiKeys: 0,
      embedLogs: 0,
      facts: 0,
    });
    assert.equal(await store.countMemories(alice), 0);
    assert.equal(await store.getUser(alice), null);
    assert.deepEqual(await store.deleteUserData(alice), {
      memories: 0,
      vectors: 0,
      waypoints: 0,
      users: 0,
      apiKeys: 0,
      embedLogs: 0,
      facts: 0,
    });
  });
});
