import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecallWriter } from '../../src/engine/recall-writer.js';
import { openStore } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import type { RecallWrite } from '../../src/store/store.js';
import { item } from '../contract/data.js';
import { BACKENDS } from './backends.js';

for (const backend of BACKENDS) {
  test(`recalls handed in together are written together; one that fails fails alone (${backend.name})`, async () => {
    const db = await backend.database();
    const store = await openStore(db.config(), { log: () => {} });
    try {
      const users = ['ann', 'bob', 'cy'].map((u) => userScope(u));
      const memories = users.map(() => item());
      for (const [i, u] of users.entries()) await store.insertMemories(u, [memories[i]!]);
      const recall = (i: number, salience: number): RecallWrite => ({
        salience: [{ id: memories[i]!.memory.id, salience }],
        path: [],
        coactivated: [],
      });
      // A value no column takes: both backends refuse the statement.
      const broken = recall(1, {} as never);
      const writer = new RecallWriter(store);
      const results = await Promise.allSettled([
        writer.write(users[0]!, recall(0, 0.7)),
        writer.write(users[1]!, broken),
        writer.write(users[2]!, recall(2, 0.8)),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      const salience = async (i: number) => (await store.getMemory(users[i]!, memories[i]!.memory.id))!.salience;
      assert.deepEqual(
        [await salience(0), await salience(1), await salience(2)],
        [0.7, 0.5, 0.8],
        'the failed recall wrote nothing',
      );
    } finally {
      await store.close();
      await db.drop();
    }
  });
}
