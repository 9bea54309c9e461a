/**
 * Isolation property against the MCP tools on SQLite and PostgreSQL: a user session never reaches
 * another user's memories, through any tool, whatever ids it passes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDb, type BackendName } from './engine-subject.js';
import { mcpSubject } from './mcp-subject.js';
import { checkIsolation } from './property.js';

const RUNS = 100;

for (const backend of ['sqlite', 'postgres'] as BackendName[]) {
  test(`MCP on ${backend}: no session reaches another user's memories`, { timeout: 900_000 }, async () => {
    const db = await openDb(backend);
    const subject = mcpSubject(db, backend);
    try {
      const report = await checkIsolation(subject, { runs: RUNS, label: `mcp/${backend}` });
      if (!process.env.OM_PROP_RUNS) assert.ok(report.operations >= 1_000, `only ${report.operations} operations`);
    } finally {
      await subject.close();
      await db.cleanup();
    }
  });
}
