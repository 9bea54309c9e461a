import assert from 'node:assert/strict';
import { it } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { contract } from './backends.js';
import { item } from './data.js';

const alice = userScope('alice');

contract('full text', (current) => {
  it('finds memories sharing any query token, best match first', async () => {
    const { store } = current();
    const both = item({ content: 'The Louvre museum in Paris was crowded' });
    const one = item({ content: 'A small museum near the harbour' });
    const none = item({ content: 'Grocery list: eggs, milk' });
    await store.insertMemories(alice, [both, one, none]);
    const hits = await store.searchText(alice, 'Paris museum', 10);
    assert.deepEqual(hits.map((h) => h.id), [both.memory.id, one.memory.id]);
    assert.ok(hits[0]!.rank >= hits[1]!.rank);
    assert.equal((await store.searchText(alice, 'museum', 1)).length, 1);
  });

  it('in a large table, a rare term finds its memory first; common terms alone still find theirs', async () => {
    const { store } = current();
    // Over 2,000 rows, so the search plans by term counts (rarest terms first, within a row budget).
    const rows = Array.from({ length: 3000 }, (_, i) => item({ content: i % 2 === 0 ? `weekly coffee with the team, note ${i}` : `errand number ${i}` }));
    const needle = item({ content: 'the coffee voucher for project kawunsul is in the drawer' });
    await store.insertMemories(alice, [...rows, needle]);
    const bobs = item({ content: 'the coffee voucher for project kawunsul is with bob' });
    await store.insertMemories(userScope('bob'), [bobs]);
    const rare = await store.searchText(alice, 'coffee kawunsul', 10);
    assert.equal(rare[0]?.id, needle.memory.id);
    assert.ok(!rare.some((h) => h.id === bobs.memory.id), 'a user holding most rows is still searched alone');
    assert.deepEqual((await store.searchText(userScope('bob'), 'coffee kawunsul', 10)).map((h) => h.id), [bobs.memory.id]);
    const common = await store.searchText(alice, 'weekly coffee', 10);
    assert.equal(common.length, 10, 'a query of common terms only is searched with them');
    const unmatched = await store.searchText(alice, 'coffee zzyzx', 5);
    assert.equal(unmatched.length, 5, 'when the rarer term matches nothing, the common ones are searched');
  });

  it('matches words of other scripts, accents included', async () => {
    const { store } = current();
    const hindi = item({ content: 'मैंने कल हिन्दी सीखी' });
    const greek = item({ content: 'Καλημέρα κόσμε' });
    const french = item({ content: 'Le café était fermé' });
    await store.insertMemories(alice, [hindi, greek, french]);
    assert.deepEqual((await store.searchText(alice, 'हिन्दी', 5)).map((h) => h.id), [hindi.memory.id]);
    assert.deepEqual((await store.searchText(alice, 'ΚΌΣΜΕ', 5)).map((h) => h.id), [greek.memory.id]);
    assert.deepEqual((await store.searchText(alice, 'café', 5)).map((h) => h.id), [french.memory.id]);
  });

  it('follows content updates and deletions', async () => {
    const { store } = current();
    const a = item({ content: 'about zebras' });
    await store.insertMemories(alice, [a]);
    await store.updateMemory(alice, a.memory.id, { content: 'about giraffes', updatedAt: 2 });
    assert.deepEqual(await store.searchText(alice, 'zebras', 5), []);
    assert.deepEqual((await store.searchText(alice, 'giraffes', 5)).map((h) => h.id), [a.memory.id]);
    await store.deleteMemory(alice, a.memory.id);
    assert.deepEqual(await store.searchText(alice, 'giraffes', 5), []);
  });

  it('treats query syntax as plain words and never fails on it', async () => {
    const { store } = current();
    const a = item({ content: 'NEAR the end, quoted "words" and a star* and minus-sign OR AND NOT' });
    await store.insertMemories(alice, [a]);
    for (const q of ['"', '*', '-', 'NEAR(', 'a" OR "b', "'; DROP TABLE memories; --", 'content:star', '^', '(', 'AND', 'NOT minus', ':*', '!|&', '\\']) {
      const hits = await store.searchText(alice, q, 5);
      assert.ok(Array.isArray(hits), q);
    }
    assert.deepEqual((await store.searchText(alice, 'minus*', 5)).map((h) => h.id), [a.memory.id]);
    assert.deepEqual((await store.searchText(alice, 'NEAR', 5)).map((h) => h.id), [a.memory.id]);
    assert.deepEqual(await store.searchText(alice, '   ', 5), []);
    assert.deepEqual(await store.searchText(alice, 'end', 0), []);
  });
});
