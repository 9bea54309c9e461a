import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Fact } from '../../src/core/temporal.js';
import { DEFAULT_SCOPE, userScope } from '../../src/store/scope.js';
import { contract } from './backends.js';

const alice = userScope('alice');
const bob = userScope('bob');

const fact = (over: Partial<Fact> = {}): Omit<Fact, 'userId' | 'validTo'> => ({
  id: `f-${Math.random().toString(36).slice(2)}`,
  projectId: null,
  subject: 'Alice',
  predicate: 'lives_in',
  object: 'Paris',
  validFrom: 1_000,
  confidence: 0.8,
  lastUpdated: 5_000,
  metadata: null,
  ...over,
});

contract('temporal facts', (current) => {
  it('a new fact closes the current one of its subject and predicate, of its own user only', async () => {
    const { store } = current();
    const paris = await store.insertFact(alice, fact());
    const oslo = await store.insertFact(bob, fact({ object: 'Oslo', validFrom: 1_500 }));
    const berlin = await store.insertFact(alice, fact({ object: 'Berlin', validFrom: 2_000, metadata: { k: ['v'] } }));
    assert.equal(berlin.validTo, null);
    assert.equal((await store.getFact(alice, paris.id))?.validTo, 1_999);
    assert.equal((await store.getFact(bob, oslo.id))?.validTo, null);
    assert.equal(await store.getFact(bob, paris.id), null, "another user's fact is missing");
    const at = (t: number) => store.findFacts(alice, { subject: 'Alice', at: t, order: 'confidence', limit: 10 });
    assert.deepEqual(
      (await at(1_500)).map((f) => f.object),
      ['Paris'],
    );
    assert.deepEqual(
      (await at(2_500)).map((f) => [f.object, f.userId, f.metadata]),
      [['Berlin', 'alice', { k: ['v'] }]],
    );
    const older = await store.insertFact(alice, fact({ object: 'Rome', validFrom: 1_200 }));
    assert.equal(older.validTo, 1_999, 'a fact older than the current one is stored closed');
  });

  it('updates, counts, volatility and erasure stay in the scope', async () => {
    const { store } = current();
    const a = await store.insertFact(alice, fact());
    await store.insertFact(alice, fact({ object: 'Berlin', validFrom: 2_000 }));
    await store.insertFact(DEFAULT_SCOPE, fact({ object: 'Lima' }));
    assert.equal(await store.updateFact(bob, a.id, { confidence: 0.1 }, 9_000), null);
    const patched = await store.updateFact(alice, a.id, { confidence: 0.3, metadata: { x: 1 } }, 9_000);
    assert.deepEqual([patched?.confidence, patched?.metadata, patched?.lastUpdated], [0.3, { x: 1 }, 9_000]);
    assert.deepEqual(await store.factCounts(alice), { active: 1, total: 2 });
    assert.deepEqual(await store.factCounts(DEFAULT_SCOPE), { active: 1, total: 1 });
    assert.deepEqual(
      (await store.volatileFacts(alice, undefined, 10)).map((v) => [v.subject, v.change_count]),
      [['Alice', 2]],
    );
    assert.deepEqual(await store.volatileFacts(DEFAULT_SCOPE, undefined, 10), []);
    const search = await store.findFacts(alice, {
      contains: { field: 'object', text: 'ERL' },
      order: 'confidence',
      limit: 10,
    });
    assert.deepEqual(
      search.map((f) => f.object),
      ['Berlin'],
    );
    assert.equal((await store.deleteUserData(alice)).facts, 2);
    assert.deepEqual(await store.factCounts(alice), { active: 0, total: 0 });
    assert.deepEqual(await store.factCounts(DEFAULT_SCOPE), { active: 1, total: 1 });
  });
});
