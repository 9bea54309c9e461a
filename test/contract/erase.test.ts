/**
 * Erasing a user, read back from the raw tables on every backend: nothing that names the user or
 * one of its memories is left but its epoch counter, and nothing of anybody else is gone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { LogicalTable } from '../../src/store/migrate/types.js';
import { openStore } from '../../src/store/open.js';
import { DEFAULT_SCOPE, userScope } from '../../src/store/scope.js';
import type { ApiKeyRecord, Store } from '../../src/store/store.js';
import { BACKENDS, type BlankDatabase } from './backends.js';
import { item, vec } from './data.js';

const alice = userScope('alice');
const bob = userScope('bob');

const key = (id: string, userKey: string | null): ApiKeyRecord => ({
  id,
  userKey,
  role: userKey === null ? 'admin' : 'user',
  label: null,
  hash: `hash-of-${id}`,
  createdAt: 1,
  revokedAt: null,
  lastUsedAt: null,
});

for (const backend of BACKENDS) {
  describe(`erasing a user, read from the raw tables [${backend.name}]`, () => {
    let blank: BlankDatabase;
    let store: Store;
    const ids = { alice: [] as string[], bob: [] as string[], anonymous: [] as string[] };

    /** Rows of `table` whose `column` is one of `values`. */
    async function rows(table: LogicalTable, column: string, values: readonly string[]): Promise<number> {
      const list = values.map((v) => `'${v}'`).join(', ');
      const from = blank.table(blank.names[table]);
      const [r] = await blank.run(`SELECT COUNT(*) AS n FROM ${from} WHERE CAST(${column} AS TEXT) IN (${list})`);
      return Number(r!.n);
    }

    before(async () => {
      blank = await backend.blank();
      store = await openStore(loadConfig(blank.env), { migrate: true, log: () => {} });
      const embedLog = { embedLog: { model: 'synthetic', ts: 1 } };
      const a1 = item({ content: 'alice one' }, [vec('semantic', [1, 0, 0, 0])]);
      const a2 = item(
        { content: 'alice two' },
        [vec('episodic', [0, 1, 0, 0])],
        [{ dstId: a1.memory.id, weight: 0.5 }],
      );
      const b1 = item({ content: 'bob one' }, [vec('semantic', [1, 0, 0, 0])]);
      const b2 = item({ content: 'bob two' }, [vec('semantic', [0, 1, 0, 0])]);
      const d1 = item({ content: 'nobody in particular' }, [vec('semantic', [0, 0, 1, 0])]);
      await store.insertMemories(alice, [a1, a2], embedLog);
      await store.insertMemories(bob, [b1, b2], embedLog);
      await store.insertMemories(DEFAULT_SCOPE, [d1], embedLog);
      ids.alice.push(a1.memory.id, a2.memory.id);
      ids.bob.push(b1.memory.id, b2.memory.id);
      ids.anonymous.push(d1.memory.id);
      await store.updateSalience(alice, [{ id: a1.memory.id, salience: 0.9 }]);
      for (const s of [alice, bob, DEFAULT_SCOPE]) await store.saveUserSummary(s, 'a summary', 1, 1);
      const keys = [
        key('k-alice', 'alice'),
        key('k-alice-2', 'alice'),
        key('k-bob', 'bob'),
        key('k-default', ''),
        key('k-admin', null),
      ];
      for (const k of keys) await store.adminCreateApiKey(k);
      await store.view(bob);
    });
    after(async () => {
      await store.close();
      await blank.cleanup();
    });

    it('deletes memories, vectors, links, embed logs, summary, API keys and journal of the user', async () => {
      const counts = await store.deleteUserData(alice);
      assert.deepEqual(counts, { memories: 2, vectors: 2, waypoints: 1, users: 1, apiKeys: 2, embedLogs: 2, facts: 0 });
      for (const table of ['memories', 'vectors', 'waypoints'] as const)
        assert.equal(await rows(table, 'user_id', ['alice']), 0, table);
      assert.equal(await rows('users', 'user_id', ['alice']), 0);
      assert.equal(await rows('apiKeys', 'user_id', ['alice']), 0);
      assert.equal(await rows('embedLogs', 'id', ids.alice), 0);
      assert.equal(await rows('userJournal', 'user_key', ['alice']), 0);
      // Kept on purpose: the counter that tells other processes their model of alice is stale.
      assert.equal(await rows('userEpochs', 'user_key', ['alice']), 1);
      assert.equal(await store.adminFindApiKey('hash-of-k-alice'), null);
    });

    it('leaves every other user, the default user and admin keys whole', async () => {
      assert.equal(await rows('memories', 'id', [...ids.bob, ...ids.anonymous]), 3);
      assert.equal(await rows('embedLogs', 'id', [...ids.bob, ...ids.anonymous]), 3);
      assert.equal(await rows('apiKeys', 'id', ['k-bob', 'k-default', 'k-admin']), 3);
      assert.equal(await rows('users', 'user_id', ['bob', '']), 2);
      assert.ok((await rows('userJournal', 'user_key', ['bob'])) > 0);
      assert.equal((await store.view(bob)).size, 2);
    });

    it('deleting one memory deletes its embed log', async () => {
      assert.equal(await store.deleteMemory(bob, ids.bob[0]!), true);
      assert.equal(await rows('embedLogs', 'id', ids.bob), 1);
    });

    it('the erased user can start again, seen afresh', async () => {
      await store.insertMemories(alice, [item({ content: 'alice again' })]);
      assert.equal((await store.view(alice)).size, 1);
      assert.equal(await store.countMemories(alice), 1);
    });
  });
}
