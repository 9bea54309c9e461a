/** System, dashboard, IDE, LangGraph and compression routes, each scoped to the calling user. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { openHarness, type Backend, type Harness } from './harness.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`system, dashboard, IDE, LGM and compression routes on ${backend}`, () => {
    let h: Harness;
    let alice: string;
    before(async () => {
      h = await openHarness(backend);
      alice = (await h.call('POST', '/admin/keys', { body: { user_id: 'alice' } })).body.key;
      await h.call('POST', '/memory/add', {
        key: alice,
        body: { content: 'I felt so happy and excited at the concert yesterday!!' },
      });
      await h.call('POST', '/memory/add', {
        key: alice,
        body: { content: 'How to configure nginx: first install it, then edit the config' },
      });
      await h.call('POST', '/memory/add', {
        body: { content: 'Secret plans of bob about the merger', user_id: 'bob' },
      });
    });
    after(() => h.close());

    test('/health and /sectors', async () => {
      const health = await h.call('GET', '/health', { key: null });
      assert.equal(health.body.ok, true);
      assert.equal(health.body.embedding.provider, 'synthetic');
      assert.equal(health.body.dim, 256);
      const sectors = await h.call('GET', '/sectors', { key: alice });
      assert.deepEqual(sectors.body.sectors, ['episodic', 'semantic', 'procedural', 'emotional', 'reflective']);
      assert.equal(sectors.body.configs.episodic.decay_lambda, 0.015);
      const total = sectors.body.stats.reduce((a: number, s: any) => a + s.count, 0);
      assert.equal(total, 2, "only alice's memories are counted");
    });

    test('dashboard routes show only the caller', async () => {
      const stats = await h.call('GET', '/dashboard/stats', { key: alice });
      assert.equal(stats.body.totalMemories, 2);
      assert.equal(stats.body.recentMemories, 2);
      assert.equal(stats.body.requests, null, 'request counters are for the admin');
      assert.equal(typeof (await h.call('GET', '/dashboard/stats')).body.requests.total, 'number');
      for (const path of ['/dashboard/activity', '/dashboard/top-memories']) {
        const r = await h.call('GET', `${path}?limit=10`, { key: alice });
        const rows = r.body.activities ?? r.body.memories;
        assert.equal(rows.length, 2, path);
        assert.ok(!JSON.stringify(r.body).includes('merger'), `${path} leaks another user`);
      }
      const timeline = await h.call('GET', '/dashboard/sectors/timeline?hours=1', { key: alice });
      assert.equal(
        timeline.body.timeline.reduce((a: number, t: any) => a + t.count, 0),
        2,
      );
      assert.match(timeline.body.timeline[0].hour, /^\d\d:00$/);
      await h.memory.runJob('decay');
      const maint = await h.call('GET', '/dashboard/maintenance', { key: alice });
      assert.ok(Array.isArray(maint.body.operations));
      assert.equal(typeof maint.body.totals.cycles, 'number');
      const health = await h.call('GET', '/dashboard/health', { key: null });
      assert.equal(typeof health.body.memory.rss, 'number');
    });

    test("/dashboard/maintenance counts the caller's user only; the admin sees every user's or names one", async () => {
      const bobMemory = (await h.call('GET', '/memory/all?user_id=bob')).body.items[0].id;
      for (let i = 0; i < 3; i++)
        assert.equal(
          (await h.call('POST', '/memory/reinforce', { body: { id: bobMemory, boost: 1, user_id: 'bob' } })).status,
          200,
        );
      const consolidations = async (path: string, key?: string) => {
        const r = await h.call('GET', path, key === undefined ? {} : { key });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body.totals.consolidations as number;
      };
      assert.equal(
        await consolidations('/dashboard/maintenance', alice),
        0,
        "bob's reinforcements are not alice's to see",
      );
      assert.equal(await consolidations('/dashboard/maintenance?user_id=bob'), 3);
      assert.equal(await consolidations('/dashboard/maintenance'), 3, 'the admin without user_id: every user');
      assert.equal(await consolidations('/dashboard/maintenance?user_id=alice'), 0);
      assert.equal((await h.call('GET', '/dashboard/maintenance?user_id=bob', { key: alice })).status, 403);
      assert.equal((await h.call('DELETE', '/users/carl/memories')).status, 200);
      await h.call('POST', '/memory/add', { body: { content: 'carl keeps one note', user_id: 'carl' } });
      const carlMemory = (await h.call('GET', '/memory/all?user_id=carl')).body.items[0].id;
      await h.call('POST', '/memory/reinforce', { body: { id: carlMemory, boost: 1, user_id: 'carl' } });
      assert.equal(await consolidations('/dashboard/maintenance?user_id=carl'), 1);
      assert.equal((await h.call('DELETE', '/users/carl/memories')).status, 200);
      assert.equal(
        await consolidations('/dashboard/maintenance?user_id=carl'),
        0,
        'deleting a user deletes its counters',
      );
    });

    test('IDE events, context, sessions and patterns stay within the user', async () => {
      const start = await h.call('POST', '/api/ide/session/start', {
        key: alice,
        body: { project_name: 'shop', ide_name: 'vim' },
      });
      assert.equal(start.body.success, true);
      assert.match(start.body.session_id, /^session_\d+_[0-9a-f]{14}$/);
      assert.equal(start.body.user_id, 'alice');
      const session = start.body.session_id;
      const ev = await h.call('POST', '/api/ide/events', {
        key: alice,
        body: {
          event_type: 'save',
          file_path: 'src/cart.ts',
          content: 'How to run the checkout step by step: first install deps, then run tests',
          session_id: session,
        },
      });
      assert.equal(ev.body.success, true);
      await h.call('POST', '/api/ide/events', {
        body: {
          event_type: 'save',
          file_path: 'src/cart.ts',
          content: 'bob edits cart',
          session_id: session,
          user_id: 'bob',
        },
      });
      const ctx = await h.call('POST', '/api/ide/context', {
        key: alice,
        body: { query: 'checkout cart', k: 5, session_id: session },
      });
      assert.equal(ctx.body.success, true);
      const found = ctx.body.memories.map((m: any) => m.memory_id);
      assert.ok(found.includes(ev.body.memory_id));
      for (const id of found)
        assert.ok([ev.body.memory_id, start.body.memory_id].includes(id), 'only this user and session');
      const patterns = await h.call('GET', `/api/ide/patterns/${session}`, { key: alice });
      assert.equal(patterns.body.session_id, session);
      assert.equal(patterns.body.pattern_count, ev.body.primary_sector === 'procedural' ? 1 : 0);
      const end = await h.call('POST', '/api/ide/session/end', { key: alice, body: { session_id: session } });
      assert.equal(end.body.statistics.total_events, 1, "bob's event in the same session id is not counted");
      assert.deepEqual(end.body.statistics.files, ['src/cart.ts']);
      assert.equal(
        (await h.call('POST', '/api/ide/session/end', { key: alice, body: { session_id: 'session_unknown' } })).status,
        404,
      );
    });

    test('LGM store/retrieve/context/reflection with the SDK aliases', async () => {
      const cfg = await h.call('GET', '/lgm/config', { key: alice });
      assert.equal(cfg.body.node_sector_map.observe, 'episodic');
      const stored = await h.call('POST', '/lgm/store', {
        key: alice,
        body: {
          node_id: 'plan',
          content: 'Plan: compare three flight options to Oslo',
          namespace: 'trip',
          graph_id: 'g1',
        },
      });
      assert.equal(stored.status, 200);
      assert.equal(stored.body.memory.primary_sector, 'semantic');
      assert.ok(stored.body.memory.tags.includes('lgm:namespace:trip'));
      assert.notEqual(stored.body.reflection, null);
      await h.call('POST', '/lgm/store', {
        body: {
          node: 'plan',
          content: 'Bob plans a hostile takeover',
          namespace: 'trip',
          graph_id: 'g1',
          user_id: 'bob',
        },
      });
      const byRecency = await h.call('POST', '/lgm/retrieve', {
        key: alice,
        body: { node_id: 'plan', namespace: 'trip', graph_id: 'g1', k: 5 },
      });
      assert.deepEqual(
        byRecency.body.items.map((i: any) => i.id),
        [stored.body.memory.id],
      );
      const byQuery = await h.call('POST', '/lgm/retrieve', {
        key: alice,
        body: { node: 'plan', namespace: 'trip', query: 'flights Oslo', limit: 5 },
      });
      assert.deepEqual(
        byQuery.body.items.map((i: any) => i.id),
        [stored.body.memory.id],
      );
      assert.equal(
        (await h.call('POST', '/lgm/retrieve', { key: alice, body: { node: 'plan', namespace: 'other' } })).body.count,
        0,
      );
      const ctx = await h.call('POST', '/lgm/context', { key: alice, body: { namespace: 'trip', graph_id: 'g1' } });
      assert.match(ctx.body.summary, /flight options to Oslo/);
      assert.doesNotMatch(ctx.body.summary, /takeover/);
      const refl = await h.call('POST', '/lgm/reflection', { key: alice, body: { namespace: 'trip', graph_id: 'g1' } });
      assert.match(refl.body.memory.id, /^[0-9a-f-]{36}$/);
      const empty = await h.call('POST', '/lgm/reflection', { key: alice, body: { namespace: 'nothing-here' } });
      assert.equal(empty.status, 400);
    });

    test('compression routes', async () => {
      const c = await h.call('POST', '/api/compression/compress', {
        key: alice,
        body: {
          text: 'It is basically done, in order to ship. It is basically done, in order to ship.',
          algorithm: 'semantic',
        },
      });
      assert.equal(c.body.ok, true);
      assert.ok(c.body.comp.length < 70);
      assert.equal(c.body.m.algo, 'semantic');
      const batch = await h.call('POST', '/api/compression/batch', {
        key: alice,
        body: { texts: ['a very long text here', 'another one'], algorithm: 'syntactic' },
      });
      assert.equal(batch.body.results.length, 2);
      const analysis = await h.call('POST', '/api/compression/analyze', {
        key: alice,
        body: { text: 'Check https://example.com/a/b for the JavaScript database docs.' },
      });
      assert.ok(['semantic', 'syntactic', 'aggressive'].includes(analysis.body.rec.algo));
      const stats = await h.call('GET', '/api/compression/stats', { key: alice });
      assert.ok(stats.body.stats.total >= 3);
      assert.equal((await h.call('POST', '/api/compression/reset', { key: alice })).status, 403);
      assert.deepEqual((await h.call('POST', '/api/compression/reset')).body, { ok: true, msg: 'reset done' });
    });

    test("one user's compression never answers another's: the same text is computed afresh and counted", async () => {
      const bob = (await h.call('POST', '/admin/keys', { body: { user_id: 'bob' } })).body.key;
      const body = { text: 'Alice basically wrote down her bank PIN in order to remember it.', algorithm: 'semantic' };
      const first = await h.call('POST', '/api/compression/compress', { key: alice, body });
      const before = (await h.call('GET', '/api/compression/stats', { key: bob })).body.stats.total;
      await new Promise((r) => setTimeout(r, 5));
      const second = await h.call('POST', '/api/compression/compress', { key: bob, body });
      assert.equal(second.body.comp, first.body.comp);
      assert.ok(second.body.m.ts > first.body.m.ts, "bob's result is not alice's, stamped when she asked");
      assert.equal(
        (await h.call('GET', '/api/compression/stats', { key: bob })).body.stats.total,
        before + 1,
        'counted like any text',
      );
    });

    test('/openapi.json describes every route with its schemas', async () => {
      const doc = (await h.call('GET', '/openapi.json', { key: null })).body;
      assert.equal(doc.openapi, '3.1.0');
      for (const [path, method] of [
        ['/memory/add', 'post'],
        ['/memory/{id}', 'patch'],
        ['/users/{user_id}/summary', 'get'],
        ['/lgm/store', 'post'],
        ['/api/ide/patterns/{session_id}', 'get'],
        ['/admin/keys/{id}', 'delete'],
      ] as const) {
        assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
      }
      const add = doc.paths['/memory/add'].post.requestBody.content['application/json'].schema;
      assert.deepEqual(add.required, ['content']);
      assert.equal(add.properties.tags.type, 'array');
      assert.equal(doc.paths['/health'].get.security.length, 0);
      const ingest = doc.paths['/memory/ingest'].post.requestBody.content['application/json'].schema;
      assert.deepEqual(ingest.properties.content_type.enum, [
        'txt',
        'text',
        'md',
        'markdown',
        'html',
        'htm',
        'pdf',
        'docx',
      ]);
      assert.equal(add.$schema, undefined);
      assert.ok(z.object({ openapi: z.string(), paths: z.record(z.string(), z.any()) }).safeParse(doc).success);
    });

    test('/metrics in Prometheus text format', async () => {
      const r = await h.call('GET', '/metrics');
      assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(r.body, /om_http_requests_total\{method="POST",route="\/memory\/add",status="200"\} \d+/);
      assert.match(r.body, /om_http_request_duration_seconds_bucket\{method="GET",route="\/health",le="\+Inf"\} \d+/);
      assert.match(r.body, /om_memories\{sector="[a-z]+"\} \d+/);
      assert.match(r.body, /om_job_runs\{type="decay"\} [1-9]/, 'the decay run of the dashboard test is counted');
    });
  });
}
