import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS } from './backends.js';

for (const backend of BACKENDS) {
  test(`scheduled jobs run on their own and stop with the engine (${backend.name})`, async () => {
    // 0.002 minutes = 120 ms, so the timers fire during the test.
    const fast = {
      OM_DECAY_INTERVAL_MINUTES: '0.002',
      OM_PRUNE_INTERVAL_MINUTES: '0.002',
      OM_USER_SUMMARY_INTERVAL: '0.002',
    };
    const e = await backend.open(fast, { jobs: true });
    try {
      await e.memory.add(userScope('sched'), { content: 'A memory for the scheduled jobs to see' });
      const seen = new Set<string>();
      const summarised = async () => (await e.memory.store.getUser(userScope('sched'))) !== null;
      // Polls (no timing assertion): a loaded machine may take long before each timer fires.
      for (let i = 0; i < 300 && !(seen.has('decay') && seen.has('prune') && (await summarised())); i++) {
        await sleep(100);
        for (const r of await e.memory.jobStats(0)) seen.add(r.type);
      }
      assert.ok(seen.has('decay') && seen.has('prune'), [...seen].join(','));
      assert.ok(await summarised(), 'the users row exists (debounced or scheduled summary)');
    } finally {
      await e.cleanup();
    }
  });
}
