/**
 * OM_MODEL_MEMORY_MB bounds the user models a store holds: past it the least recently used are
 * dropped, counted, and loaded again on their next use with the same answers, writes made while
 * a user's model was out included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { canonicalTokens } from '../../src/core/tokens.js';
import { openStore } from '../../src/store/open.js';
import { userScope, type UserScope } from '../../src/store/scope.js';
import type { Store, UserView } from '../../src/store/store.js';
import { BACKENDS, type BlankDatabase } from './backends.js';
import { item, vec } from './data.js';

const MB = 2 ** 20;
/** 1024-dimension vectors take a byte each per row: 500 memories make a model of about half a megabyte. */
const DIM = 1024;
const PER_USER = 500;
const users = ['u1', 'u2', 'u3'].map(userScope);
const probe = Float32Array.from({ length: DIM }, (_, i) => Math.cos(i));

function items(user: number, from: number, count: number) {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    const values = Array.from({ length: DIM }, (_, d) => Math.sin((i + 1) * (d + 1) + user));
    return item({ content: `note ${i} of user ${user} about topic${i % 7}` }, [vec('semantic', values, null)]);
  });
}

/** What a query reads of a view: nearest memories and text hits, by id. */
function answers(view: UserView) {
  return {
    size: view.size,
    nearest: view
      .probe(new Map([['semantic', probe]]))
      .nearest('semantic', 10)
      .map((h) => h.id),
    text: view.searchText(canonicalTokens('topic3'), 10).map((h) => h.id),
  };
}

for (const backend of BACKENDS) {
  describe(`user models within OM_MODEL_MEMORY_MB [${backend.name}]`, () => {
    let blank: BlankDatabase;
    let store: Store;

    before(async () => {
      blank = await backend.blank();
      store = await openStore(loadConfig({ ...blank.env, OM_MODEL_MEMORY_MB: '1' }), { migrate: true, log: () => {} });
      for (const [u, scope] of users.entries()) await store.insertMemories(scope, items(u, 0, PER_USER));
    });
    after(async () => {
      await store?.close();
      await blank?.cleanup();
    });

    it('drops the least recently used models past the budget and answers the same after loading them again', async () => {
      const fresh = async (scope: UserScope) => {
        const other = await openStore(loadConfig(blank.env), { migrate: false, log: () => {} });
        try {
          return answers(await other.view(scope));
        } finally {
          await other.close();
        }
      };
      const first = await Promise.all(users.map(fresh));
      const start = store.modelStats();
      assert.equal(start.budgetBytes, MB);
      for (const scope of users) await store.view(scope);
      const loaded = store.modelStats();
      assert.ok(loaded.bytes > 0 && loaded.bytes <= MB, `held ${loaded.bytes} bytes`);
      assert.ok(loaded.users < users.length, 'not every model fits');
      assert.equal(loaded.loads - start.loads, users.length);
      assert.ok(loaded.evictions - start.evictions >= 1);
      assert.ok(loaded.loadMs > 0 && loaded.loadMsMax > 0 && loaded.loadMsMax <= loaded.loadMs);

      // u1 was used first, so it went first; it is loaded again and answers as before.
      assert.deepEqual(answers(await store.view(users[0]!)), first[0]);
      assert.equal(store.modelStats().loads, loaded.loads + 1);
      for (const [i, scope] of users.entries())
        assert.deepEqual(answers(await store.view(scope)), first[i], `user ${i}`);
      assert.ok(store.modelStats().bytes <= MB);
    });

    it('a write to a user whose model was dropped is in the model loaded next', async () => {
      await store.view(users[1]!);
      await store.view(users[2]!);
      // u1's model is out; this write lands in the database and its journal only.
      await store.insertMemories(users[0]!, items(0, PER_USER, 1));
      const view = await store.view(users[0]!);
      assert.equal(view.size, PER_USER + 1);
      assert.ok(
        view.searchText(canonicalTokens(`${PER_USER}`), 5).length === 1,
        'the new memory is found by its words',
      );
    });
  });
}
