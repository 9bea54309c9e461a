/**
 * Isolation property against the MCP tools on SQLite and PostgreSQL: a user session never reaches
 * another user's memories, through any tool, whatever ids it passes.
 */
import { test } from 'node:test';
import { openDb, type BackendName } from './engine-subject.js';
import { mcpSubject } from './mcp-subject.js';
import { checkIsolation } from './property.js';

for (const backend of ['sqlite', 'postgres'] as BackendName[]) {
  test(`MCP on ${backend}: no session reaches another user's memories`, { timeout: 900_000 }, async () => {
    const db = await openDb(backend);
    const subject = mcpSubject(db, backend);
    try {
      await checkIsolation(subject, { minOperations: 1_000, label: `mcp/${backend}` });
    } finally {
      await subject.close();
      await db.cleanup();
    }
  });
}
