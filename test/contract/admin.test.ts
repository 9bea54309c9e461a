import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OmError } from '../../src/errors.js';
import { DEFAULT_SCOPE, DEFAULT_USER_KEY, userScope } from '../../src/store/scope.js';
import type { ApiKeyRecord } from '../../src/store/store.js';
import { contract } from './backends.js';
import { item, vec } from './data.js';

const key = (id: string, over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id,
  userKey: 'alice',
  role: 'user',
  label: null,
  hash: `hash-${id}`,
  createdAt: 10,
  revokedAt: null,
  lastUsedAt: null,
  ...over,
});

contract('admin', (current) => {
  it('lists users from memories and user rows, the default user as null', async () => {
    const { store } = current();
    await store.insertMemories(userScope('bob'), [item()]);
    await store.insertMemories(DEFAULT_SCOPE, [item()]);
    await store.saveUserSummary(userScope('carol'), 's', 0, 1);
    assert.deepEqual(await store.adminListUsers(), [null, 'bob', 'carol']);
  });

  it('counts across users: memories, sectors, vector models', async () => {
    const { store } = current();
    await store.insertMemories(userScope('bob'), [
      item({ primarySector: 'episodic', salience: 1 }, [vec('episodic', [1, 0, 0, 0])]),
    ]);
    await store.insertMemories(DEFAULT_SCOPE, [
      item({ primarySector: 'episodic', salience: 0 }, [vec('semantic', [1, 0], null)]),
    ]);
    assert.equal(await store.adminCountMemories(), 2);
    assert.deepEqual(await store.adminSectorStats(), [{ sector: 'episodic', count: 2, avgSalience: 0.5 }]);
    assert.deepEqual(
      await store.adminVectorModels(),
      [
        { model: 'test:model/4', dim: 4, vectors: 1 },
        { model: null, dim: 2, vectors: 1 },
      ].sort((a, b) => a.dim - b.dim),
    );
  });

  it('stores, finds, lists and revokes API keys', async () => {
    const { store } = current();
    await store.adminCreateApiKey(key('k1', { label: 'laptop' }));
    await store.adminCreateApiKey(key('k2', { userKey: null, role: 'admin', createdAt: 20 }));
    await store.adminCreateApiKey(key('k3', { userKey: DEFAULT_USER_KEY, createdAt: 30 }));
    await assert.rejects(
      store.adminCreateApiKey(key('k4', { hash: 'hash-k1' })),
      (e: unknown) => e instanceof OmError && e.code === 'conflict',
    );
    assert.deepEqual(await store.adminFindApiKey('hash-k1'), key('k1', { label: 'laptop' }));
    assert.equal(await store.adminFindApiKey('nope'), null);
    assert.deepEqual(
      (await store.adminListApiKeys()).map((k) => [k.id, k.userKey, k.role]),
      [
        ['k1', 'alice', 'user'],
        ['k2', null, 'admin'],
        ['k3', '', 'user'],
      ],
    );
    assert.equal(await store.adminRevokeApiKey('k1', 50), true);
    assert.equal(await store.adminRevokeApiKey('k1', 60), true);
    assert.equal((await store.adminFindApiKey('hash-k1'))?.revokedAt, 50);
    assert.equal(await store.adminRevokeApiKey('missing', 60), false);
  });

  it('upserts embed logs and appends stats', async () => {
    const { store } = current();
    await store.writeEmbedLogs([{ id: 'm1', model: 'synthetic', status: 'pending', ts: 1, err: null }]);
    await store.writeEmbedLogs([
      { id: 'm1', model: 'synthetic', status: 'completed', ts: 2, err: null },
      { id: 'm1', model: 'synthetic', status: 'failed', ts: 3, err: 'timeout' },
      { id: 'm2', model: 'synthetic', status: 'completed', ts: 3, err: null },
    ]);
    await store.recordStat('decay', 3, 100);
    await store.recordStat('prune', 1, 200);
    await store.recordStat('decay', 5, 300);
    assert.deepEqual(await store.statsSince(150), [
      { type: 'prune', count: 1, ts: 200 },
      { type: 'decay', count: 5, ts: 300 },
    ]);
  });

  it("keeps each user's stats rows apart from job runs and from other users; deleting the user deletes them", async () => {
    const { store } = current();
    await store.recordStat('decay', 9, 100);
    await store.recordUserStat(userScope('alice'), 'consolidate', 1, 110);
    await store.recordUserStat(DEFAULT_SCOPE, 'decay', 4, 120);
    await store.recordUserStat(userScope('bob'), 'reflect', 2, 130);
    assert.deepEqual(await store.statsSince(0), [{ type: 'decay', count: 9, ts: 100 }], 'job runs only');
    assert.deepEqual(await store.userStatsSince(userScope('alice'), 0), [{ type: 'consolidate', count: 1, ts: 110 }]);
    assert.deepEqual(await store.userStatsSince(DEFAULT_SCOPE, 0), [{ type: 'decay', count: 4, ts: 120 }]);
    assert.deepEqual(
      (await store.adminUserStatsSince(115)).map((r) => r.type),
      ['decay', 'reflect'],
    );
    await store.deleteUserData(userScope('bob'));
    assert.deepEqual(await store.userStatsSince(userScope('bob'), 0), []);
    assert.equal((await store.adminUserStatsSince(0)).length, 2);
  });
});
