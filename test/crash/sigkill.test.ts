/**
 * SIGKILL the real server during a burst of concurrent writes (adds, updates, deletes of three
 * users), restart it on the same database and check: every acknowledged write is there (or gone,
 * for deletes), nothing half-written is visible (each memory has its vectors, no orphan vectors or
 * waypoints, no link across users). Twice per backend, on SQLite and on PostgreSQL.
 * SIGKILL during an upgrade is covered by the upgrade suite (test/upgrade/).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { freshPgSchema, testPgUrl } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';
import { integrity, openRawPg, openRawSqlite, type RawDb } from '../isolation/rawdb.js';
import { request, startServerProcess, type ServerProcess } from './server-process.js';

const WORKERS = 16;
/** Acknowledged operations before the kill: enough that writes are in flight when it lands. */
const KILL_AFTER = 150;
const USERS = ['alice', 'bob', null] as const;
const WORDS =
  'river maple copper violet harbor lantern quartz meadow falcon ember glacier orchard saffron tundra velvet willow'.split(
    ' ',
  );

interface Expected {
  user: string | null;
  /** Contents the memory may hold: one once acknowledged, two while an update was in flight. */
  contents: string[];
  deleted: boolean | 'maybe';
}

function sentence(worker: number, n: number): string {
  const pick = () => WORDS[Math.floor(Math.random() * WORDS.length)];
  return `worker ${worker} item ${n}: ${pick()} ${pick()} ${pick()} ${pick()} ${pick()} ${Math.random().toString(36).slice(2)}`;
}

/** One client: adds, then updates or deletes its own memories, until the server dies. */
async function worker(base: string, w: number, expected: Map<string, Expected>, acked: { n: number }): Promise<void> {
  const mine: string[] = [];
  for (let n = 0; ; n++) {
    const user = USERS[(w + n) % USERS.length]!;
    const roll = Math.random();
    try {
      if (roll < 0.7 || mine.length === 0) {
        const content = sentence(w, n);
        const r = await request(base, 'POST', '/memory/add', { content, user_id: user });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        if (!r.body.deduplicated) {
          expected.set(r.body.id, { user, contents: [content], deleted: false });
          mine.push(r.body.id);
        }
      } else {
        const id = mine[Math.floor(Math.random() * mine.length)]!;
        const e = expected.get(id)!;
        const q = e.user === null ? '' : `?user_id=${e.user}`;
        if (roll < 0.85) {
          const content = sentence(w, n);
          e.contents.push(content);
          const r = await request(base, 'PATCH', `/memory/${id}${q}`, { content, user_id: e.user });
          assert.equal(r.status, 200, JSON.stringify(r.body));
          e.contents = [content];
        } else {
          mine.splice(mine.indexOf(id), 1);
          e.deleted = 'maybe';
          const r = await request(base, 'DELETE', `/memory/${id}${q}`);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          e.deleted = true;
        }
      }
      acked.n++;
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      return; // the server is gone: this request was never acknowledged
    }
  }
}

async function burstAndKill(server: ServerProcess, expected: Map<string, Expected>): Promise<number> {
  const acked = { n: 0 };
  const workers = Array.from({ length: WORKERS }, (_, w) => worker(server.url, w, expected, acked));
  const start = acked.n;
  while (acked.n - start < KILL_AFTER) await new Promise((r) => setTimeout(r, 5));
  await server.kill('SIGKILL');
  await Promise.all(workers);
  return acked.n;
}

async function verify(base: string, raw: RawDb, expected: Map<string, Expected>): Promise<void> {
  for (const [id, e] of expected) {
    const r = await request(base, 'GET', `/memory/${id}${e.user === null ? '' : `?user_id=${e.user}`}`);
    if (e.deleted === true) {
      assert.equal(r.status, 404, `acknowledged delete of ${id} was undone`);
    } else if (r.status === 200) {
      assert.ok(
        e.contents.includes(r.body.content),
        `memory ${id} holds ${JSON.stringify(r.body.content)}, expected one of ${JSON.stringify(e.contents)}`,
      );
      assert.equal(r.body.user_id, e.user);
      e.contents = [r.body.content];
    } else {
      assert.equal(e.deleted, 'maybe', `acknowledged memory ${id} is missing after the crash (HTTP ${r.status})`);
    }
    if (e.deleted === 'maybe') e.deleted = r.status === 404;
  }
  const facts = await integrity(raw);
  assert.deepEqual(
    {
      memoriesWithoutVectors: facts.memoriesWithoutVectors,
      orphanOrForeignVectors: facts.orphanOrForeignVectors,
      orphanOrCrossUserWaypoints: facts.orphanOrCrossUserWaypoints,
    },
    { memoriesWithoutVectors: 0, orphanOrForeignVectors: 0, orphanOrCrossUserWaypoints: 0 },
    `half-written rows after the crash: ${JSON.stringify(facts)}`,
  );
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`SIGKILL during concurrent writes on ${backend}: acknowledged writes survive, nothing half-written`, {
    timeout: 300_000,
  }, async () => {
    const tmp = tmpDir('om-crash-');
    const pg = backend === 'postgres' ? await freshPgSchema('crash') : null;
    const env: Record<string, string> = pg
      ? { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema }
      : { OM_DB_PATH: path.join(tmp.dir, 'om.sqlite') };
    const expected = new Map<string, Expected>();
    let server: ServerProcess | null = null;
    let raw: RawDb | null = null;
    try {
      let acknowledged = 0;
      for (let round = 0; round < 2; round++) {
        server = await startServerProcess(env);
        raw ??= pg ? await openRawPg(testPgUrl(), pg.schema) : openRawSqlite(env.OM_DB_PATH!);
        if (round > 0) await verify(server.url, raw, expected);
        acknowledged += await burstAndKill(server, expected);
        const { signal } = await server.exited;
        assert.equal(signal, 'SIGKILL');
      }
      server = await startServerProcess(env);
      await verify(server.url, raw!, expected);
      console.log(
        `[crash ${backend}] 2 SIGKILLs, ${acknowledged} acknowledged writes checked (${expected.size} memories tracked)`,
      );
    } finally {
      await server?.kill();
      await raw?.close();
      await pg?.drop();
      tmp.cleanup();
    }
  });
}
