/**
 * Upstream v1.3's temporal fact routes on both backends: a new fact closes the one it
 * supersedes, queries as of a time, the timeline and comparison of a subject, corrections and
 * invalidation, upstream's JSON; strictly per user (keys and user_id), erased with the user.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openHarness, type Backend, type Harness } from './harness.js';

const Y2020 = Date.parse('2020-01-01T00:00:00Z');
const Y2022 = Date.parse('2022-01-01T00:00:00Z');

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`temporal facts on ${backend}`, () => {
    let h: Harness;
    const keys: Record<string, string> = {};
    let first: any;
    let second: any;

    before(async () => {
      h = await openHarness(backend);
      for (const user of ['alice', 'bob'])
        keys[user] = (await h.call('POST', '/admin/keys', { body: { user_id: user } })).body.key;
      first = (
        await h.call('POST', '/api/temporal/fact', {
          key: keys.alice,
          body: {
            subject: 'Alice',
            predicate: 'lives_in',
            object: 'Paris',
            valid_from: '2020-01-01T00:00:00Z',
            confidence: 0.9,
            metadata: { src: 'chat' },
          },
        })
      ).body;
      second = (
        await h.call('POST', '/api/temporal/fact', {
          key: keys.alice,
          body: { subject: 'Alice', predicate: 'lives_in', object: 'Berlin', valid_from: Y2022 },
        })
      ).body;
    });
    after(() => h.close());

    test("a fact answers upstream's JSON, and a newer one closes it the instant before it begins", async () => {
      assert.equal(first.message, 'Fact created successfully');
      assert.equal(first.valid_from, '2020-01-01T00:00:00.000Z');
      assert.equal(first.user_id, 'alice');
      assert.equal(first.confidence, 0.9);
      assert.equal(second.confidence, 1);
      const asOf2021 = await h.call('GET', '/api/temporal/fact?subject=Alice&at=2021-06-01T00:00:00Z', {
        key: keys.alice,
      });
      assert.equal(asOf2021.status, 200);
      assert.deepEqual(
        asOf2021.body.facts.map((f: any) => f.object),
        ['Paris'],
      );
      assert.equal(asOf2021.body.facts[0].valid_to, new Date(Y2022 - 1).toISOString());
      assert.deepEqual(asOf2021.body.facts[0].metadata, { src: 'chat' });
      assert.equal(asOf2021.body.query.min_confidence, 0.1);
      assert.equal(asOf2021.body.count, 1);
      const now = await h.call('GET', '/api/temporal/fact?subject=Alice&predicate=lives_in', { key: keys.alice });
      assert.deepEqual(
        now.body.facts.map((f: any) => f.object),
        ['Berlin'],
      );
      const current = await h.call('GET', '/api/temporal/fact/current?subject=Alice&predicate=lives_in', {
        key: keys.alice,
      });
      assert.equal(current.body.fact.id, second.id);
    });

    test('a fact older than the current one is stored already closed', async () => {
      const older = await h.call('POST', '/api/temporal/fact', {
        key: keys.alice,
        body: { subject: 'Alice', predicate: 'lives_in', object: 'Rome', valid_from: Y2020 + 1000 },
      });
      assert.equal(older.body.valid_to, new Date(Y2022 - 1).toISOString());
      const current = await h.call('GET', '/api/temporal/fact/current?subject=Alice&predicate=lives_in', {
        key: keys.alice,
      });
      assert.equal(current.body.fact.object, 'Berlin');
      await h.call('DELETE', `/api/temporal/fact/${older.body.id}`, {
        key: keys.alice,
        body: { valid_to: Y2020 + 2000 },
      });
    });

    test('timeline, subject history, search and comparison of two times', async () => {
      const tl = await h.call('GET', '/api/temporal/timeline?subject=Alice&predicate=lives_in', { key: keys.alice });
      assert.deepEqual(
        tl.body.timeline.filter((e: any) => e.object !== 'Rome').map((e: any) => `${e.change_type} ${e.object}`),
        ['created Paris', 'invalidated Paris', 'created Berlin'],
      );
      assert.equal(tl.body.timeline[0].timestamp, '2020-01-01T00:00:00.000Z');
      const hist = await h.call('GET', '/api/temporal/subject/Alice?include_historical=true', { key: keys.alice });
      assert.equal(hist.body.count, 3);
      assert.equal(hist.body.include_historical, true);
      const search = await h.call('GET', '/api/temporal/search?pattern=BERL&field=object', { key: keys.alice });
      assert.deepEqual(
        search.body.facts.map((f: any) => f.object),
        ['Berlin'],
      );
      assert.equal(
        (await h.call('GET', '/api/temporal/search?pattern=%25', { key: keys.alice })).body.count,
        0,
        '% is a character, not a wildcard',
      );
      const cmp = await h.call('GET', `/api/temporal/compare?subject=Alice&time1=2021-01-01&time2=${Y2022 + 1}`, {
        key: keys.alice,
      });
      assert.deepEqual(cmp.body.summary, { added: 0, removed: 0, changed: 1, unchanged: 0 });
      assert.equal(cmp.body.changed[0].before.object, 'Paris');
      assert.equal(cmp.body.changed[0].after.object, 'Berlin');
    });

    test("corrections and invalidation; another user's fact id is fact_not_found", async () => {
      const patched = await h.call('PATCH', `/api/temporal/fact/${second.id}`, {
        key: keys.alice,
        body: { confidence: 0.5 },
      });
      assert.deepEqual(
        [patched.status, patched.body.confidence, patched.body.message],
        [200, 0.5, 'Fact updated successfully'],
      );
      for (const [method, body] of [
        ['PATCH', { confidence: 0.1 }],
        ['DELETE', {}],
      ] as const) {
        const foreign = await h.call(method, `/api/temporal/fact/${second.id}`, { key: keys.bob, body });
        assert.equal(foreign.status, 404);
        assert.equal(foreign.body.error, 'fact_not_found');
      }
      const bad = await h.call('GET', '/api/temporal/fact?subject=Alice&at=yesterday-ish', { key: keys.alice });
      assert.equal(bad.status, 400);
      assert.match(bad.body.message, /^at: /);
      assert.equal(
        (await h.call('PATCH', `/api/temporal/fact/${second.id}`, { key: keys.alice, body: {} })).status,
        400,
      );
    });

    test("strictly per user: counts, searches and current facts never include another user's", async () => {
      await h.call('POST', '/api/temporal/fact', {
        body: { subject: 'Alice', predicate: 'lives_in', object: 'Oslo', user_id: 'bob' },
      });
      const bobs = await h.call('GET', '/api/temporal/fact/current?subject=Alice&predicate=lives_in', {
        key: keys.bob,
      });
      assert.equal(bobs.body.fact.object, 'Oslo');
      const alices = await h.call('GET', '/api/temporal/fact/current?subject=Alice&predicate=lives_in', {
        key: keys.alice,
      });
      assert.equal(alices.body.fact.object, 'Berlin', "bob's fact closed none of alice's");
      assert.equal((await h.call('GET', '/api/temporal/stats', { key: keys.bob })).body.total_facts, 1);
      assert.equal((await h.call('GET', '/api/temporal/stats?user_id=alice')).body.total_facts, 3);
      assert.equal(
        (await h.call('GET', '/api/temporal/fact?subject=Alice&user_id=alice', { key: keys.bob })).status,
        403,
      );
      const missing = await h.call('GET', '/api/temporal/fact/current?subject=Nobody&predicate=x', { key: keys.bob });
      assert.deepEqual(
        [missing.status, missing.body],
        [404, { error: 'No current fact found', subject: 'Nobody', predicate: 'x' }],
      );
      const volatile = await h.call('GET', '/api/temporal/volatile', { key: keys.alice });
      assert.deepEqual(
        volatile.body.volatile_facts.map((v: any) => [v.subject, v.predicate, v.change_count]),
        [['Alice', 'lives_in', 3]],
      );
    });

    test("decay is the admin's; a user is erased with its facts", async () => {
      const denied = await h.call('POST', '/api/temporal/decay', { key: keys.alice, body: { decay_rate: 0.5 } });
      assert.deepEqual([denied.status, denied.body.error], [403, 'admin_only']);
      const decayed = await h.call('POST', '/api/temporal/decay', { body: { decay_rate: 0.01 } });
      assert.ok(decayed.body.facts_updated >= 1);
      const berlin = (
        await h.call('GET', '/api/temporal/fact/current?subject=Alice&predicate=lives_in', { key: keys.alice })
      ).body.fact;
      assert.ok(berlin.confidence < 0.5 && berlin.confidence >= 0.1, 'decayed since 2022, never below the floor');

      const erased = await h.call('DELETE', '/users/alice/memories');
      assert.equal(erased.body.counts.facts, 3);
      assert.equal((await h.call('GET', '/api/temporal/stats?user_id=alice')).body.total_facts, 0);
      assert.equal((await h.call('GET', '/api/temporal/stats?user_id=bob')).body.total_facts, 1);
    });
  });
}
