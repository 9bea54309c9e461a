import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Memory } from '../../src/engine/memory.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, testClock } from './backends.js';

const DAY = 86_400_000;

for (const backend of BACKENDS) {
  test(`two engines on one database decay each interval once (${backend.name})`, async () => {
    const db = await backend.database();
    const clock = testClock();
    const a = await Memory.open({ config: db.config(), jobs: false, now: clock.now });
    const b = await Memory.open({ config: db.config(), jobs: false, now: clock.now });
    try {
      const s = userScope('shared');
      const r = await a.add(s, { content: 'I feel worried about the exam', salience: 0.9 });
      clock.advance(10 * DAY);
      await a.runJob('decay');
      const once = (await a.get(s, r.id)).salience;
      await b.runJob('decay');
      assert.equal((await b.get(s, r.id)).salience, once, "b sees a's run and applies nothing twice");
      assert.ok(Math.abs(once - (0.08 + 0.82 * Math.exp(-0.2))) < 1e-6);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
}
