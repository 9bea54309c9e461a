/**
 * A user's model is loaded without holding up other users: their queries are answered between
 * the slices of its build.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, type BlankDatabase } from './backends.js';
import { item, vec } from './data.js';

const LARGE = 3000;
const large = ['large-1', 'large-2'].map(userScope);
const small = userScope('small');

for (const backend of BACKENDS) {
  describe(`user model loads [${backend.name}]`, () => {
    let blank: BlankDatabase;
    let store: Store;
    const open = () => openStore(loadConfig(blank.env), { migrate: false, log: () => {} });

    before(async () => {
      blank = await backend.blank();
      const writer = await openStore(loadConfig(blank.env), { migrate: true, log: () => {} });
      for (const scope of large) {
        const items = Array.from({ length: LARGE }, (_, i) =>
          item({ content: `entry ${i} on subject${i % 11}` }, [vec('semantic', [1, i, i % 5, 1])]),
        );
        await writer.insertMemories(scope, items);
      }
      await writer.insertMemories(small, [item({ content: 'a short one' }, [vec('semantic', [1, 0, 0, 0])])]);
      await writer.close();
    });
    after(async () => {
      await store?.close();
      await blank?.cleanup();
    });

    it("answers a loaded user's views while large users' models load", async () => {
      store = await open();
      await store.view(small);
      const order: string[] = [];
      const viewed = (name: string, p: Promise<unknown>) => p.then(() => order.push(name));
      await Promise.all([
        viewed('large-1', store.view(large[0]!)),
        viewed('large-2', store.view(large[1]!)),
        // Asked after both loads began: answered from the model held, between their slices.
        new Promise((resolve) => setImmediate(resolve)).then(() => viewed('small', store.view(small))),
      ]);
      // SQLite reads synchronously, so both builds are under way when the small view is asked: it must
      // come first. On PostgreSQL the small view's epoch read may queue in the pool behind the large
      // reads (I/O, not the engine thread), so only completeness is checked there.
      if (backend.name === 'sqlite')
        assert.deepEqual([order[0], ...order.slice(1).sort()], ['small', 'large-1', 'large-2']);
      else assert.deepEqual([...order].sort(), ['large-1', 'large-2', 'small']);
      assert.equal((await store.view(large[1]!)).size, LARGE);
      const stats = store.modelStats();
      assert.equal(stats.loads, 3);
      assert.ok(stats.loadMsMax > 0 && stats.loadMs >= stats.loadMsMax);
    });
  });
}
