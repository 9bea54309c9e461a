/**
 * Isolation property against the engine on SQLite and on PostgreSQL: at least 10,000 random
 * operations per backend over three named users and the default user.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineSubject, openDb, type BackendName } from './engine-subject.js';
import { checkIsolation } from './property.js';

const RUNS = 700;

for (const backend of ['sqlite', 'postgres'] as BackendName[]) {
  test(`engine on ${backend}: no user sees or changes another user's memories`, { timeout: 900_000 }, async () => {
    const db = await openDb(backend);
    try {
      const report = await checkIsolation(engineSubject(db, backend), { runs: RUNS, label: `engine/${backend}` });
      if (!process.env.OM_PROP_RUNS) assert.ok(report.operations >= 10_000, `only ${report.operations} operations`);
    } finally {
      await db.cleanup();
    }
  });
}
