/**
 * Isolation property against the HTTP API on SQLite and PostgreSQL: user keys (the default user
 * through a key bound to it) and the admin key naming a user, over the same random sequences.
 * Fewer runs than the engine property (each operation costs a request plus key lookups); the
 * 10,000-operation floor per backend is carried by test/isolation/engine.test.ts.
 */
import { test } from 'node:test';
import { openHarness, type Backend } from '../http/harness.js';
import { httpSubject, openRaw } from './http-subject.js';
import { checkIsolation } from './property.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  test(`HTTP on ${backend}: no key reaches another user's memories`, { timeout: 900_000 }, async () => {
    const h = await openHarness(backend, { OM_REFLECT_MIN_MEMORIES: '2' });
    const raw = await openRaw(h);
    try {
      await checkIsolation(httpSubject(h, raw, backend), { minOperations: 2_000, label: `http/${backend}` });
    } finally {
      await raw.close();
      await h.close();
    }
  });
}
