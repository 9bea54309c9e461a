/**
 * A long-document ingest is one write: root, sections, each section's parent_id and the root's
 * links in one transaction. A failure inside it must leave the database exactly as before. The
 * failure is the database's own: a trigger refuses the root's links, the last statements of the
 * transaction, after every memory and vector of the document was inserted; on both backends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openRaw } from '../isolation/http-subject.js';
import type { RawDb } from '../isolation/rawdb.js';
import { openHarness, type Backend, type Harness } from './harness.js';

/**
 * Everything but the summaries' bookkeeping: the engine refreshes a user's summary after writes
 * and deletes (same text, a new time and count), a derived cache rather than data.
 */
async function contentFingerprint(raw: RawDb): Promise<string> {
  const t = raw.tables;
  const rows = await Promise.all([
    ...[t.memories, t.vectors, t.waypoints].map((table) => raw.all(`SELECT * FROM ${table}`)),
    raw.all(`SELECT user_id, summary FROM ${t.users}`),
  ]);
  return rows
    .map((r) =>
      r
        .map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))
        .sort()
        .join('\n'),
    )
    .join('\n--\n');
}

/** Makes the database refuse links of weight 1 (a document root's) until the returned function undoes it. */
async function refuseRootLinks(h: Harness, raw: RawDb): Promise<() => Promise<void>> {
  const c = h.memory.config;
  if (c.backend === 'sqlite') {
    const db = new Database(c.dbPath);
    db.exec(
      `CREATE TRIGGER om_test_refuse BEFORE INSERT ON waypoints WHEN NEW.weight = 1 BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    );
    return async () => {
      db.exec('DROP TRIGGER om_test_refuse');
      db.close();
    };
  }
  const fn = `"${c.pg.schema}".om_test_refuse`;
  await raw.all(
    `CREATE FUNCTION ${fn}() RETURNS trigger AS $$ BEGIN IF NEW.weight = 1 THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
  );
  await raw.all(
    `CREATE TRIGGER om_test_refuse BEFORE INSERT ON ${raw.tables.waypoints} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  );
  return async () => {
    await raw.all(`DROP TRIGGER om_test_refuse ON ${raw.tables.waypoints}`);
    await raw.all(`DROP FUNCTION ${fn}()`);
  };
}

const topics = [
  'harbour tides ferries',
  'alpine huts glaciers',
  'sourdough starters ovens',
  'violin strings rosin',
  'orchid pots humidity',
  'chess gambits endgames',
];
const longDoc = topics
  .map(
    (t, i) => `Part ${i + 1} is about ${t}. `.repeat(4) + `More on ${t.split(' ').reverse().join(' and ')}.`.repeat(3),
  )
  .join('\n\n');

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`a failed long-document ingest leaves nothing behind on ${backend}`, () => {
    let h: Harness;
    let raw: RawDb;
    before(async () => {
      h = await openHarness(backend);
      raw = await openRaw(h);
      await h.call('POST', '/memory/add', {
        body: { content: 'Rita already knows about lighthouses', user_id: 'rita' },
      });
    });
    after(async () => {
      await raw.close();
      await h.close();
    });

    test('a failure in the last statement of the write undoes the whole document; it works once the fault is gone', async () => {
      // One section repeats a memory Rita already has: it is reinforced, never deleted.
      const existing = 'Part 1 is about harbour tides ferries. '.repeat(4).trim();
      const kept = await h.call('POST', '/memory/add', { body: { content: existing, user_id: 'rita' } });
      const body = {
        content_type: 'txt',
        data: `${existing}\n\n${longDoc}`,
        config: { force_root: true, sec_sz: 300 },
        user_id: 'rita',
      };
      await h.memory.settle();
      const beforeIngest = await contentFingerprint(raw);
      const restore = await refuseRootLinks(h, raw);
      try {
        const failed = await h.call('POST', '/memory/ingest', { body });
        // The driver reads SQLite's abort as a constraint (400), PostgreSQL's as an unexpected error (500).
        assert.ok(failed.status >= 400, JSON.stringify(failed.body));
        await h.memory.settle();
        assert.equal(await contentFingerprint(raw), beforeIngest);
      } finally {
        await restore();
      }
      const ok = await h.call('POST', '/memory/ingest', { body });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.ok(ok.body.child_count >= 4);
      const children = (await h.call('GET', '/memory/all?user_id=rita&l=100')).body.items.filter(
        (m: any) => m.metadata.parent_id === ok.body.root_memory_id,
      );
      assert.equal(
        children.length,
        ok.body.child_count - 1,
        'every new section names the root; the repeated one is the memory Rita had',
      );
      assert.equal((await h.call('GET', `/memory/${kept.body.id}?user_id=rita`)).status, 200);
    });
  });
}
