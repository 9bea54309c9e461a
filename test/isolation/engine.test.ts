/**
 * Isolation property against the engine on SQLite and on PostgreSQL: at least 10,000 random
 * operations per backend over three named users and the default user.
 */
import { test } from 'node:test';
import { engineSubject, openDb, type BackendName } from './engine-subject.js';
import { checkIsolation } from './property.js';

for (const backend of ['sqlite', 'postgres'] as BackendName[]) {
  test(`engine on ${backend}: no user sees or changes another user's memories`, { timeout: 900_000 }, async () => {
    const db = await openDb(backend);
    try {
      await checkIsolation(engineSubject(db, backend), { minOperations: 10_000, label: `engine/${backend}` });
    } finally {
      await db.cleanup();
    }
  });
}
