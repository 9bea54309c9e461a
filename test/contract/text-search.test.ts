import assert from 'node:assert/strict';
import { it } from 'node:test';
import { termTokens } from '../../src/core/tokens.js';
import { userScope, type UserScope } from '../../src/store/scope.js';
import type { Store } from '../../src/store/store.js';
import { contract } from './backends.js';
import { item } from './data.js';

const alice = userScope('alice');

async function search(store: Store, scope: UserScope, text: string, limit: number): Promise<string[]> {
  return (await store.view(scope)).searchText(termTokens(text), limit).map((h) => h.id);
}

contract('text search', (current) => {
  it('finds memories sharing any query token, best match first', async () => {
    const { store } = current();
    const both = item({ content: 'The Louvre museum in Paris was crowded' });
    const one = item({ content: 'A small museum near the harbour' });
    const none = item({ content: 'Grocery list: eggs, milk' });
    await store.insertMemories(alice, [both, one, none]);
    const hits = (await store.view(alice)).searchText(termTokens('Paris museum'), 10);
    assert.deepEqual(
      hits.map((h) => h.id),
      [both.memory.id, one.memory.id],
    );
    assert.ok(hits[0]!.rank > hits[1]!.rank);
    assert.equal((await search(store, alice, 'museum', 1)).length, 1);
    assert.deepEqual(await search(store, alice, 'museum', 0), []);
    assert.deepEqual(await search(store, alice, '   ', 5), []);
  });

  it('weighs a term by its rarity among the user’s own memories, and reads only theirs', async () => {
    const { store } = current();
    // Far more postings than a search reads: the common terms are left out, the rare one decides.
    const rows = Array.from({ length: 3000 }, (_, i) =>
      item({ content: i % 2 === 0 ? `weekly coffee with the team, note ${i}` : `errand number ${i}` }),
    );
    const needle = item({ content: 'the coffee voucher for project kawunsul is in the drawer' });
    await store.insertMemories(alice, [...rows, needle]);
    const bobs = item({ content: 'the coffee voucher for project kawunsul is with bob' });
    await store.insertMemories(userScope('bob'), [bobs]);
    assert.equal((await search(store, alice, 'where is the coffee of kawunsul', 10))[0], needle.memory.id);
    assert.ok(!(await search(store, alice, 'kawunsul bob', 10)).includes(bobs.memory.id));
    assert.deepEqual(await search(store, userScope('bob'), 'coffee kawunsul', 10), [bobs.memory.id]);
    assert.equal(
      (await search(store, alice, 'weekly coffee', 10)).length,
      10,
      'a query of common terms only still finds memories',
    );
  });

  it('matches words of other scripts, accents and case folded', async () => {
    const { store } = current();
    const hindi = item({ content: 'मैंने कल हिन्दी सीखी' });
    const greek = item({ content: 'Καλημέρα κόσμε' });
    const french = item({ content: 'Le café était fermé' });
    const japanese = item({ content: '東京で寿司を食べた' });
    await store.insertMemories(alice, [hindi, greek, french, japanese]);
    assert.deepEqual(await search(store, alice, 'हिन्दी', 5), [hindi.memory.id]);
    assert.deepEqual(await search(store, alice, 'ΚΌΣΜΕ', 5), [greek.memory.id]);
    assert.deepEqual(await search(store, alice, 'CAFÉ', 5), [french.memory.id]);
    assert.deepEqual(await search(store, alice, '寿司', 5), [japanese.memory.id]);
  });

  it('follows content updates and deletions', async () => {
    const { store } = current();
    const a = item({ content: 'about zebras' });
    await store.insertMemories(alice, [a]);
    assert.deepEqual(await search(store, alice, 'zebras', 5), [a.memory.id]);
    await store.updateMemory(alice, a.memory.id, { content: 'about giraffes', updatedAt: 2 });
    assert.deepEqual(await search(store, alice, 'zebras', 5), []);
    assert.deepEqual(await search(store, alice, 'giraffes', 5), [a.memory.id]);
    await store.deleteMemory(alice, a.memory.id);
    assert.deepEqual(await search(store, alice, 'giraffes', 5), []);
  });

  it('takes any text as plain words', async () => {
    const { store } = current();
    const a = item({ content: 'NEAR the end, quoted "words" and a star* and minus-sign OR AND NOT' });
    await store.insertMemories(alice, [a]);
    for (const q of [
      '"',
      '*',
      '-',
      'NEAR(',
      'a" OR "b',
      "'; DROP TABLE memories; --",
      'content:star',
      '^',
      '(',
      'NOT minus',
      ':*',
      '!|&',
      '\\',
    ]) {
      assert.ok(Array.isArray(await search(store, alice, q, 5)), q);
    }
    assert.deepEqual(await search(store, alice, 'minus*', 5), [a.memory.id]);
    assert.deepEqual(await search(store, alice, 'NEAR', 5), [a.memory.id]);
  });
});
