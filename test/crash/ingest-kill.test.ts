/**
 * SIGKILL the real server while it stores a long document, at the moment the first memory of the
 * document becomes visible in the database, then restart it: a root memory must never announce
 * sections that are not there (each root's sections all stored and linked from it), and no section
 * may point at a missing root. Before the document was one transaction, the root was written
 * first and this kill left it alone. Three kills per backend, on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { freshPgSchema, testPgUrl } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';
import { integrity, openRawPg, openRawSqlite, type RawDb } from '../isolation/rawdb.js';
import { request, startServerProcess, type ServerProcess } from './server-process.js';

const ROUNDS = 3;
const SECTIONS = 120;

/** A document of distinct sections (identical ones would deduplicate), different each round. */
function longDocument(round: number): string {
  return Array.from(
    { length: SECTIONS },
    (_, i) => `Round ${round} chapter ${i}: ${`word${i}x${round} `.repeat(40)}${Math.random().toString(36)}`,
  ).join('\n\n');
}

interface Row {
  id: string;
  meta: Record<string, any>;
}

async function rows(raw: RawDb): Promise<Row[]> {
  const found = await raw.all(`SELECT id, meta FROM ${raw.tables.memories}`);
  return found.map((r) => ({
    id: String(r.id),
    meta: typeof r.meta === 'string' ? JSON.parse(r.meta) : (r.meta as Record<string, any>),
  }));
}

async function killWhenStoring(server: ServerProcess, raw: RawDb, round: number): Promise<void> {
  const before = (await rows(raw)).length;
  const ingest = request(server.url, 'POST', '/memory/ingest', {
    content_type: 'txt',
    data: longDocument(round),
    config: { force_root: true, sec_sz: 400 },
    user_id: 'dora',
  }).catch(() => null);
  for (;;) {
    if ((await rows(raw)).length > before) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  await server.kill('SIGKILL');
  await ingest;
}

async function verify(raw: RawDb): Promise<number> {
  const all = await rows(raw);
  const ids = new Set(all.map((r) => r.id));
  const roots = all.filter((r) => r.meta.is_root);
  for (const root of roots) {
    const sections = all.filter((r) => r.meta.parent_id === root.id);
    assert.equal(
      sections.length,
      root.meta.total_sections,
      `root ${root.id} announces ${root.meta.total_sections} sections, ${sections.length} are stored`,
    );
    const links = await raw.all(
      `SELECT dst_id FROM ${raw.tables.waypoints} WHERE src_id = '${root.id}' AND weight = 1`,
    );
    assert.equal(links.length, sections.length, `root ${root.id} links to every section`);
  }
  for (const section of all.filter((r) => r.meta.is_child))
    assert.ok(ids.has(section.meta.parent_id), `section ${section.id} points at a missing root`);
  const facts = await integrity(raw);
  assert.equal(
    facts.memoriesWithoutVectors + facts.orphanOrForeignVectors + facts.orphanOrCrossUserWaypoints,
    0,
    JSON.stringify(facts),
  );
  return roots.length;
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`SIGKILL while a long document is stored on ${backend}: all of it or none of it`, {
    timeout: 300_000,
  }, async () => {
    const tmp = tmpDir('om-ingest-kill-');
    const pg = backend === 'postgres' ? await freshPgSchema('ingestkill') : null;
    const env: Record<string, string> = pg
      ? { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema }
      : { OM_DB_PATH: path.join(tmp.dir, 'om.sqlite') };
    let server: ServerProcess | null = null;
    let raw: RawDb | null = null;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        server = await startServerProcess(env);
        raw ??= pg ? await openRawPg(testPgUrl(), pg.schema) : openRawSqlite(env.OM_DB_PATH!);
        await verify(raw);
        await killWhenStoring(server, raw, round);
      }
      server = await startServerProcess(env);
      const roots = await verify(raw!);
      // The server still ingests after the kills.
      const ok = await request(server.url, 'POST', '/memory/ingest', {
        content_type: 'txt',
        data: longDocument(ROUNDS),
        config: { force_root: true, sec_sz: 400 },
        user_id: 'dora',
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(await verify(raw!), roots + 1);
      console.log(
        `[ingest kill ${backend}] ${ROUNDS} SIGKILLs as the document appeared; ${roots} complete documents survived, none partial`,
      );
    } finally {
      await server?.kill();
      await raw?.close();
      await pg?.drop();
      tmp.cleanup();
    }
  });
}
