import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Memory } from '../../src/engine/memory.js';
import { openStore } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS } from './backends.js';

/** The real store, with a count of calls per method. */
function counted(store: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

for (const backend of BACKENDS) {
  test(`a query costs a fixed number of store calls, whatever k (${backend.name})`, async () => {
    const db = await backend.database();
    const config = db.config();
    const { store, calls } = counted(await openStore(config));
    const memory = await Memory.open({ config, store, jobs: false });
    try {
      const s = userScope('calls');
      await memory.addMany(
        s,
        Array.from({ length: 60 }, (_, i) => ({
          content: `Garden journal ${i}: planted ${['roses', 'beans', 'kale', 'mint'][i % 4]} in bed ${i}`,
        })),
      );
      // The user summary the adds scheduled is written first, so only the queries' calls are counted.
      await memory.settle();
      for (const k of [5, 40]) {
        calls.clear();
        const { matches } = await memory.query(s, { query: 'planted roses and mint in the garden', k });
        assert.ok(matches.length >= Math.min(k, 20));
        assert.equal(calls.get('recordRecalls'), undefined, 'what the query teaches is written after the reply');
        await memory.settle();
        const perMethod = Object.fromEntries(calls);
        assert.deepEqual(
          perMethod,
          { view: 1, recordRecalls: 1 },
          'one view (one epoch read) answers rows, links, text and vectors; what the query teaches is one transaction',
        );
      }
    } finally {
      await memory.close();
      await db.drop();
    }
  });
}
