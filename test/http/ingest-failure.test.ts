/**
 * A long-document ingest is three engine calls (root, sections, links). A failure at a later
 * step must leave the database exactly as before. Failures are injected into a real engine on
 * both backends: the sections call fails as the engine's one transaction does (nothing written);
 * the links call fails after it has written, the worst case for the undo.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MemoryEngine } from '../../src/engine/api.js';
import { createApp } from '../../src/interfaces/http/app.js';
import { userScope } from '../../src/store/scope.js';
import { openRaw } from '../isolation/http-subject.js';
import type { RawDb } from '../isolation/rawdb.js';
import { ADMIN_KEY, openHarness, type Backend, type Harness } from './harness.js';

type Step = 'addMany' | 'link';

/** The engine, except that `step` fails: `addMany` before writing, `link` after. */
function failingAt(engine: MemoryEngine, step: Step): MemoryEngine {
  return new Proxy(engine, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== step) return value.bind(target);
      return async (...args: unknown[]) => {
        if (step === 'link') await value.apply(target, args);
        throw new Error(`injected failure in ${step}`);
      };
    },
  });
}

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
  return rows.map((r) => r.map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort().join('\n')).join('\n--\n');
}

const topics = ['harbour tides ferries', 'alpine huts glaciers', 'sourdough starters ovens', 'violin strings rosin', 'orchid pots humidity', 'chess gambits endgames'];
const longDoc = topics.map((t, i) => `Part ${i + 1} is about ${t}. `.repeat(4) + `More on ${t.split(' ').reverse().join(' and ')}.`.repeat(3)).join('\n\n');

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`a failed long-document ingest leaves nothing behind on ${backend}`, () => {
    let h: Harness;
    let raw: RawDb;
    before(async () => {
      h = await openHarness(backend);
      raw = await openRaw(h);
      await h.call('POST', '/memory/add', { body: { content: 'Rita already knows about lighthouses', user_id: 'rita' } });
    });
    after(async () => {
      await raw.close();
      await h.close();
    });

    for (const step of ['addMany', 'link'] as Step[]) {
      test(`failure in ${step}`, async () => {
        const { app } = createApp({ engine: failingAt(h.memory, step), keys: h.memory.store, config: h.memory.config });
        await h.memory.settle();
        const before = await contentFingerprint(raw);

        const res = await app.request('/memory/ingest', {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ content_type: 'txt', data: longDoc, config: { force_root: true, sec_sz: 300 }, user_id: 'rita' }),
        });
        assert.equal(res.status, 500);
        await h.memory.settle();
        assert.equal(await contentFingerprint(raw), before);
      });
    }

    test('memories the user already had survive the undo, the ingest works once the fault is gone', async () => {
      const existing = 'Part 1 is about harbour tides ferries. '.repeat(4).trim();
      const kept = await h.call('POST', '/memory/add', { body: { content: existing, user_id: 'rita' } });
      const doc = `${existing}\n\n${longDoc}`;
      const body = { content_type: 'txt', data: doc, config: { force_root: true, sec_sz: 300 }, user_id: 'rita' };
      const { app } = createApp({ engine: failingAt(h.memory, 'link'), keys: h.memory.store, config: h.memory.config });
      const failed = await app.request('/memory/ingest', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(failed.status, 500);
      const ids = (await h.memory.list(userScope('rita'), { limit: 100 })).map((m) => m.id);
      assert.ok(ids.includes(kept.body.id), 'the deduplicated section was an existing memory and stays');
      assert.equal(ids.length, 2);
      const ok = await h.call('POST', '/memory/ingest', { body });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.ok(ok.body.child_count >= 4);
    });
  });
}
