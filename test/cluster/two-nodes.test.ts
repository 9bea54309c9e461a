/**
 * Two server processes on one PostgreSQL schema: concurrent start-ups on an empty schema migrate
 * exactly once; a write on one node is read by the other immediately after (add, update, delete,
 * delete-user, API key creation and revocation), so no node serves from a stale cache.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freshPgSchema, testPgUrl } from '../helpers/pg.js';
import { openRawPg, type RawDb } from '../isolation/rawdb.js';
import { request, startServerProcess, type ServerProcess } from '../crash/server-process.js';

const ROUNDS = 25;

let pg: Awaited<ReturnType<typeof freshPgSchema>>;
let raw: RawDb;
let a: ServerProcess;
let b: ServerProcess;
let requests = 0;

async function call(node: ServerProcess, method: string, route: string, body?: unknown, key?: string) {
  requests++;
  return request(node.url, method, route, body, key);
}

before(async () => {
  pg = await freshPgSchema('cluster');
  const env = { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema };
  [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  raw = await openRawPg(testPgUrl(), pg.schema);
});

after(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await raw?.close();
  await pg?.drop();
});

test('concurrent start-ups on an empty schema apply every migration exactly once', async () => {
  const rows = await raw.all(
    `SELECT version, count(*) AS n FROM ${raw.tables.schemaVersion} GROUP BY version ORDER BY version`,
  );
  assert.ok(rows.length > 0, 'no schema_version rows');
  for (const r of rows) assert.equal(Number(r.n), 1, `version ${r.version} recorded ${r.n} times`);
  assert.equal((await call(a, 'GET', '/health')).status, 200);
  assert.equal((await call(b, 'GET', '/health')).status, 200);
});

test('three nodes racing on each of three more empty schemas all start, each version recorded once', async () => {
  for (let round = 0; round < 3; round++) {
    const schema = await freshPgSchema('race');
    const env = { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: schema.url, OM_PG_SCHEMA: schema.schema };
    const nodes = await Promise.allSettled([startServerProcess(env), startServerProcess(env), startServerProcess(env)]);
    const started = nodes.flatMap((n) => (n.status === 'fulfilled' ? [n.value] : []));
    const rawRace = await openRawPg(testPgUrl(), schema.schema);
    try {
      const failures = nodes.flatMap((n) => (n.status === 'rejected' ? [String(n.reason).slice(0, 500)] : []));
      assert.deepEqual(failures, [], `round ${round}: a node failed to start`);
      const rows = await rawRace.all(
        `SELECT version, count(*) AS n FROM ${rawRace.tables.schemaVersion} GROUP BY version`,
      );
      assert.ok(rows.length > 0);
      for (const r of rows) assert.equal(Number(r.n), 1, `round ${round}: version ${r.version} recorded ${r.n} times`);
      for (const n of started) assert.equal((await call(n, 'GET', '/health')).status, 200);
    } finally {
      await Promise.all(started.map((n) => n.kill()));
      await rawRace.close();
      await schema.drop();
    }
  }
});

test('a third and fourth node starting together on the migrated schema change nothing', async () => {
  const before = await raw.all(`SELECT version, applied_at FROM ${raw.tables.schemaVersion} ORDER BY version`);
  const env = { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema };
  const more = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  await Promise.all(more.map((n) => n.kill()));
  assert.deepEqual(
    await raw.all(`SELECT version, applied_at FROM ${raw.tables.schemaVersion} ORDER BY version`),
    before,
  );
});

test('writes on one node are seen by the other immediately: add, update, delete', async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
    const user = i % 3 === 0 ? null : `user${i % 3}`;
    const u = user === null ? {} : { user_id: user };
    const qs = user === null ? '' : `?user_id=${user}`;
    const marker = `quokka${i}zebra`;

    const added = await call(writer, 'POST', '/memory/add', {
      content: `The ${marker} lives in the archive room ${i}`,
      ...u,
    });
    assert.equal(added.status, 200);
    const id = added.body.id as string;
    // Warm whatever the reader caches, then change the memory on the writer.
    const q1 = await call(reader, 'POST', '/memory/query', { query: `${marker} archive`, k: 5, filters: u });
    assert.ok(
      q1.body.matches.some((m: any) => m.id === id),
      `round ${i}: the reader does not find a memory just added on the writer`,
    );
    assert.equal((await call(reader, 'GET', `/memory/${id}${qs}`)).status, 200);

    const updated = await call(writer, 'PATCH', `/memory/${id}${qs}`, {
      content: `The ${marker} moved to the garden shed ${i}`,
      ...u,
    });
    assert.equal(updated.status, 200);
    const got = await call(reader, 'GET', `/memory/${id}${qs}`);
    assert.match(got.body.content, /garden shed/, `round ${i}: the reader serves stale content after an update`);
    const q2 = await call(reader, 'POST', '/memory/query', { query: `${marker} garden shed`, k: 5, filters: u });
    const hit = q2.body.matches.find((m: any) => m.id === id);
    assert.ok(hit && /garden shed/.test(hit.content), `round ${i}: the reader's query is stale after an update`);

    assert.equal((await call(writer, 'DELETE', `/memory/${id}${qs}`)).status, 200);
    assert.equal(
      (await call(reader, 'GET', `/memory/${id}${qs}`)).status,
      404,
      `round ${i}: the reader still serves a deleted memory`,
    );
    const q3 = await call(reader, 'POST', '/memory/query', { query: `${marker} garden shed`, k: 5, filters: u });
    assert.ok(
      !q3.body.matches.some((m: any) => m.id === id),
      `round ${i}: the reader's query returns a deleted memory`,
    );
    const list = await call(reader, 'GET', `/memory/all${qs}`);
    assert.ok(!list.body.items.some((m: any) => m.id === id));
  }
});

test('delete-user on one node empties that user on the other, and only that user', async () => {
  for (const content of ['Pelicans nest by the pier', 'The pier opens at nine']) {
    assert.equal((await call(a, 'POST', '/memory/add', { content, user_id: 'dora' })).status, 200);
    assert.equal((await call(a, 'POST', '/memory/add', { content, user_id: 'emil' })).status, 200);
  }
  assert.equal((await call(b, 'GET', '/memory/all?user_id=dora')).body.items.length, 2);
  const del = await call(b, 'DELETE', '/users/dora/memories');
  assert.equal(del.body.deleted, 2);
  assert.equal((await call(a, 'GET', '/memory/all?user_id=dora')).body.items.length, 0);
  assert.equal(
    (await call(a, 'POST', '/memory/query', { query: 'pelicans pier', filters: { user_id: 'dora' } })).body.matches
      .length,
    0,
  );
  assert.equal((await call(a, 'GET', '/memory/all?user_id=emil')).body.items.length, 2);
});

test('a key created on one node works on the other; revoked on one, refused by the other at once', async () => {
  const created = await call(a, 'POST', '/admin/keys', { user_id: 'fritz' });
  assert.equal(created.status, 200);
  const key = created.body.key as string;
  assert.equal((await call(b, 'POST', '/memory/add', { content: 'Fritz keeps bees' }, key)).status, 200);
  assert.equal((await call(b, 'GET', '/memory/all', undefined, key)).body.items.length, 1);
  assert.equal((await call(a, 'DELETE', `/admin/keys/${created.body.id}`)).status, 200);
  const refused = await call(b, 'GET', '/memory/all', undefined, key);
  assert.ok(
    refused.status === 401 || refused.status === 403,
    `a revoked key still works on the other node (HTTP ${refused.status})`,
  );
  console.log(`[cluster] ${requests} requests across two nodes checked`);
});
