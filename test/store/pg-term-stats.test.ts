/**
 * PostgreSQL plans full-text searches from the planner's statistics: after ANALYZE, the common
 * lexemes of the table carry their row counts and the rare ones are absent (count 0) or rare, which
 * is what lets a search leave out a query's common terms (../../src/store/term-shares.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { postgresDialect } from '../../src/store/postgres/dialect.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS } from '../contract/backends.js';
import { item } from '../contract/data.js';

const alice = userScope('alice');

for (const backend of BACKENDS.filter((b) => b.name.startsWith('postgres'))) {
  describe(`full-text term statistics [${backend.name}]`, () => {
    it('count common lexemes from pg_stats once analysed, and none before', async () => {
      const blank = await backend.blank();
      const config = loadConfig(blank.env);
      const store = await openStore(config, { migrate: true, log: () => {} });
      try {
        const stats = postgresDialect(config.pg).termStats!;
        const rows = Array.from({ length: 3000 }, (_, i) => item({ content: i % 2 === 0 ? `weekly coffee with the team, note ${i}` : `errand number ${i}` }));
        const needle = item({ content: 'the coffee voucher for project kawunsul is in the drawer' });
        await store.insertMemories(alice, [...rows, needle]);
        const run = async (s: { text: string; params: readonly unknown[] }) => {
          let n = 0;
          const text = s.text.replace(/\?/g, () => `'${String(s.params[n++]).replace(/'/g, "''")}'`);
          return blank.run(text);
        };
        assert.equal(Number((await run(stats.rows()))[0]!.n), 0, 'never analysed: no estimate, so every term is searched');
        await blank.run(`ANALYZE ${blank.table(blank.names.memories)}`);
        assert.ok(Math.abs(Number((await run(stats.rows()))[0]!.n) - 3001) < 50);
        const counts = new Map((await run(stats.docs([]))).map((r) => [String(r.term), Number(r.n)]));
        assert.ok(Math.abs(counts.get('coffee')! - 1501) < 150, JSON.stringify([...counts]));
        assert.ok(counts.get('the')! > 1000);
        assert.ok((counts.get('kawunsul') ?? 0) < 10, 'a rare lexeme is unlisted or counted as rare');
        assert.equal((await store.searchText(alice, 'the coffee kawunsul', 5))[0]?.id, needle.memory.id);
        assert.equal((await store.searchText(alice, 'weekly coffee', 10)).length, 10, 'common terms alone are still searched');
      } finally {
        await store.close();
        await blank.cleanup();
      }
    });
  });
}
