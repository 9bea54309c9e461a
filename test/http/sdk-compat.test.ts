/**
 * The published openmemory-js@0.3.0 SDK against a real listening server, method by method.
 * A second SDK client holds a user key, so the same calls also prove per-user scoping.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OpenMemory } from 'openmemory-js';
import { listen } from './harness.js';

const ADMIN = 'sdk-admin-key-abcdef';

describe('openmemory-js@0.3.0 against the server', () => {
  let srv: Awaited<ReturnType<typeof listen>>;
  let admin: OpenMemory;
  let alice: OpenMemory;
  let aliceId: string;
  let bobId: string;

  before(async () => {
    srv = await listen({ OM_API_KEY: ADMIN });
    admin = new OpenMemory({ baseUrl: srv.server.url, apiKey: ADMIN });
    const res = await fetch(`${srv.server.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'alice' }),
    });
    alice = new OpenMemory({ baseUrl: srv.server.url, apiKey: ((await res.json()) as { key: string }).key });
  });
  after(() => srv.close());

  test('health and sectors', async () => {
    const h = await admin.health();
    assert.equal((h as any).ok, true);
    const s: any = await admin.getSectors();
    assert.equal(s.sectors.length, 5);
    assert.ok(Array.isArray(((await admin.getStats()) as any).stats));
  });

  test('add, query, querySector for a user and for the default user', async () => {
    const added = await alice.add('I visited the Rijksmuseum in Amsterdam yesterday', {
      tags: ['travel'],
      metadata: { mood: 'good' },
    });
    aliceId = added.id;
    assert.equal(added.primary_sector, 'episodic');
    await admin.add('The default user likes Rembrandt paintings');
    bobId = (await admin.add('Bob visited the Rijksmuseum too', { user_id: 'bob' } as any)).id;
    const q = await alice.query('Rijksmuseum Amsterdam', { k: 5 });
    assert.deepEqual(
      q.matches.map((m) => m.id),
      [aliceId],
    );
    const viaFilter = await admin.query('Rijksmuseum', { k: 5, filters: { user_id: 'alice' } } as any);
    assert.deepEqual(
      viaFilter.matches.map((m) => m.id),
      [aliceId],
    );
    const sector = await alice.querySector('Rijksmuseum Amsterdam', 'episodic');
    assert.deepEqual(
      sector.matches.map((m) => m.id),
      [aliceId],
    );
    assert.equal((await alice.querySector('Rijksmuseum Amsterdam', 'procedural')).matches.length, 0);
  });

  test('reinforce, getAll, getBySector, getUserMemories', async () => {
    assert.equal((await alice.reinforce(aliceId)).ok, true);
    const all: any = await alice.getAll({ limit: 10 });
    assert.deepEqual(
      all.items.map((m: any) => m.id),
      [aliceId],
    );
    const bySector: any = await alice.getBySector('episodic');
    assert.deepEqual(
      bySector.items.map((m: any) => m.id),
      [aliceId],
    );
    const adminAll: any = await admin.getAll();
    assert.ok(
      adminAll.items.every((m: any) => m.user_id === null),
      'admin without user_id = default user',
    );
    const userMems: any = await admin.getUserMemories('alice', { limit: 5 });
    assert.equal(userMems.user_id, 'alice');
    assert.deepEqual(
      userMems.items.map((m: any) => m.id),
      [aliceId],
    );
    await assert.rejects(alice.getUserMemories('bob'), /403/);
  });

  test('user summary get and regenerate', async () => {
    const s: any = await alice.getUserSummary('alice');
    assert.equal(s.user_id, 'alice');
    assert.match(s.summary, /memories/);
    const r: any = await alice.regenerateUserSummary('alice');
    assert.equal(r.ok, true);
  });

  test('update and delete (no body, the SDK way)', async () => {
    const u: any = await alice.update(aliceId, {
      content: 'I visited the Rijksmuseum and the Van Gogh museum',
      tags: ['art'],
    });
    assert.deepEqual(u, { id: aliceId, updated: true });
    await assert.rejects(alice.delete(bobId), /404/, "a user key never reaches another user's memory");
    assert.deepEqual(await alice.delete(aliceId), { ok: true });
    await assert.rejects(alice.delete(aliceId), /404/);
  });

  test('IDE methods', async () => {
    const session: any = await alice.ideStartSession({ project_name: 'demo', ide_name: 'vscode' });
    assert.equal(session.success, true);
    const ev: any = await alice.ideStoreEvent({
      event_type: 'edit',
      file_path: 'a.ts',
      content: 'refactor the parser step by step',
      session_id: session.session_id,
    });
    assert.equal(ev.success, true);
    const ctx: any = await alice.ideQueryContext('parser refactor', { k: 3, session_id: session.session_id });
    assert.ok(ctx.memories.some((m: any) => m.memory_id === ev.memory_id));
    const patterns: any = await alice.ideGetPatterns(session.session_id);
    assert.equal(patterns.session_id, session.session_id);
    const end: any = await alice.ideEndSession(session.session_id);
    assert.equal(end.statistics.total_events, 1);
  });

  test('compression methods', async () => {
    const c: any = await alice.compress('It is basically done. It is basically done.', 'semantic');
    assert.equal(c.comp, 'It is done.');
    const b: any = await alice.compressBatch(['one very long sentence here', 'two']);
    assert.equal(b.results.length, 2);
    const a: any = await alice.analyzeCompression('Visit https://example.com/x for database help');
    assert.ok(a.rec.algo);
    const s: any = await alice.getCompressionStats();
    assert.ok(s.stats.total >= 1);
  });

  test('LGM methods with node_id and k', async () => {
    const stored: any = await alice.lgmStore({
      node_id: 'observe',
      content: 'The user opened the billing page',
      namespace: 'agent',
    } as any);
    assert.equal(stored.memory.node, 'observe');
    const got: any = await alice.lgmRetrieve({
      node_id: 'observe',
      namespace: 'agent',
      query: 'billing page',
      k: 3,
    } as any);
    assert.deepEqual(
      got.items.map((i: any) => i.id),
      [stored.memory.id],
    );
    const ctx: any = await alice.lgmGetContext({ node_id: 'observe', namespace: 'agent' } as any);
    assert.match(ctx.summary, /billing page/);
    const refl: any = await alice.lgmCreateReflection({
      node_id: 'reflect',
      namespace: 'agent',
      content: 'Billing confuses users',
    } as any);
    assert.equal(refl.memory.node, 'reflect');
    const cfg: any = await alice.lgmGetConfig();
    assert.equal(cfg.namespace_default, 'default');
  });

  test('one shared admin key, as a v1.2 deployment: by-id calls without user_id act on the memory wherever it lives', async () => {
    const { id } = await admin.add('Carol keeps her bicycle in the courtyard shed', { user_id: 'carol' } as any);
    assert.equal((await admin.reinforce(id)).ok, true);
    assert.deepEqual(await admin.update(id, { content: 'Carol keeps her bicycle in the basement now' }), {
      id,
      updated: true,
    });
    const got = await fetch(`${srv.server.url}/memory/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(got.status, 200);
    const memory = (await got.json()) as { user_id: string; content: string };
    assert.deepEqual(
      [memory.user_id, memory.content],
      ['carol', 'Carol keeps her bicycle in the basement now'],
      "updated in place, still carol's",
    );
    const found = await admin.query('bicycle basement', { k: 5, filters: { user_id: 'carol' } } as any);
    assert.deepEqual(
      found.matches.map((m) => m.id),
      [id],
    );
    // A user key still sees only its own, and naming a user still scopes the admin.
    await assert.rejects(alice.reinforce(id), /404/);
    await assert.rejects(alice.update(id, { content: 'x' }), /404/);
    const named = await fetch(`${srv.server.url}/memory/${id}?user_id=bob`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(named.status, 404);
    assert.deepEqual(await admin.delete(id), { ok: true });
    await assert.rejects(admin.delete(id), /404/);
  });
});
