/**
 * `openmemory migrate status|plan|up|verify`: exit codes scripts can rely on, a plan that
 * changes nothing, a consistent backup before `up` (WAL content included), and `verify`.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { main } from '../../src/interfaces/cli/main.js';
import { tmpDir } from '../helpers/tmp.js';
import { allFixtures, copySqliteFixture } from './fixtures.js';
import { io, prepareFixture, prepareSqlite } from './harness.js';

const fixture = (set: string, file: string) => allFixtures().find((f) => f.set === set && f.file === file)!;

async function cli(env: Record<string, string>, ...argv: string[]) {
  const run = io(env);
  const code = await main(['migrate', ...argv], run.io);
  return { code, out: run.out.join('\n'), err: run.err.join('\n') };
}

test('status, plan, verify, up, status, verify on a pre-1.2 SQLite file', async () => {
  const db = await prepareFixture(fixture('pre-1.2', 'openmemory-v1.1.sqlite'));
  try {
    const original = await db.dump();
    assert.equal((await cli(db.env)).code, 2);
    assert.equal((await cli(db.env, 'sideways')).code, 2);
    assert.equal((await cli(db.env, 'up', '--force')).code, 2);

    const status = await cli(db.env, 'status');
    assert.equal(status.code, 3);
    assert.match(status.out, /layout: OpenMemory pre-1\.2/);
    assert.match(status.out, /pending: 1\.1\.2 /);

    const plan = await cli(db.env, 'plan');
    assert.equal(plan.code, 0);
    assert.match(plan.out, /ALTER TABLE "vectors" ADD COLUMN user_id text;/);
    assert.match(plan.out, /CREATE TABLE waypoints_next/);

    const drifted = await cli(db.env, 'verify');
    assert.equal(drifted.code, 4);
    assert.match(drifted.out, /drift: missing_column vectors\.model/);
    assert.equal(await db.dump(), original, 'status, plan and verify change nothing');

    const up = await cli(db.env, 'up');
    assert.equal(up.code, 0, up.err);
    const backup = /^backup: (.+)$/m.exec(up.out)?.[1];
    assert.ok(backup && existsSync(backup), 'the backup path is printed and exists');
    assert.equal(await (await prepareSqlite(backup)).dump(), original, 'the backup is the database as it was');
    assert.match(up.err, /^migration 2\.0\.0: .* …$/m, 'steps report progress on stderr');
    assert.match(up.err, /re-embedding upstream vectors with .*: \d+\/\d+ memories \(100%\)/);
    // All 536: upstream's ingest root, which had no vector, is embedded too.
    assert.match(up.out, /re-embedded 536 memories/);

    assert.equal((await cli(db.env, 'status')).code, 0);
    const verify = await cli(db.env, 'verify');
    assert.equal(verify.code, 0, verify.out);
    assert.match(verify.out, /rows memories: 536/);
    assert.match(verify.out, /no drift/);
    // The root-child ingest row keeps its timestamp sector and 566-character owner, reported, not drift.
    assert.match(verify.out, /^note: memories\.unknown_sector: 1 rows/m);
    assert.match(verify.out, /^note: memories\.overlong_user_id: 1 rows/m);
    assert.doesNotMatch(verify.out, /segment_not_integer|version_null|without vectors/);
  } finally {
    await db.cleanup();
  }
});

test('a file whose latest writes are still in its -wal is upgraded with them, and backed up with them', async () => {
  const live = tmpDir();
  const copied = tmpDir();
  try {
    // A running upstream server: writes sit in the WAL (it never checkpointed), and the operator copies both files.
    const file = copySqliteFixture('pre-1.2', 'openmemory-v1.1.sqlite', live.dir);
    const server = new Database(file);
    server.pragma('wal_autocheckpoint = 0');
    server.exec(`INSERT INTO memories (id, user_id, content, primary_sector, created_at, updated_at, last_seen_at, salience, decay_lambda)
      VALUES ('11111111-2222-4333-8444-555555555555', 'walrus', 'only in the write-ahead log', 'semantic', 1, 1, 1, 0.5, 0.005)`);
    const target = path.join(copied.dir, 'db.sqlite');
    copyFileSync(file, target);
    copyFileSync(`${file}-wal`, `${target}-wal`);
    const mainOnly = path.join(live.dir, 'main-only.sqlite');
    copyFileSync(file, mainOnly);
    server.close();
    const count = (f: string) => {
      const d = new Database(f);
      try {
        return (d.prepare(`SELECT COUNT(*) AS n FROM memories WHERE user_id = 'walrus'`).get() as { n: number }).n;
      } finally {
        d.close();
      }
    };
    assert.equal(count(mainOnly), 0, 'the main file alone lacks the row (so this test can fail)');

    const db = await prepareSqlite(target);
    const up = await cli(db.env, 'up');
    assert.equal(up.code, 0, up.err);
    assert.equal(count(target), 1);
    assert.equal(count(/^backup: (.+)$/m.exec(up.out)![1]!), 1);
  } finally {
    live.cleanup();
    copied.cleanup();
  }
});

test('plan and status on PostgreSQL change nothing; up --no-reembed leaves upstream vectors for later', async () => {
  const db = await prepareFixture(fixture('v1.2', 'pg-public.sql'));
  try {
    const before = await db.dump();
    assert.equal((await cli(db.env, 'status')).code, 3);
    const plan = await cli(db.env, 'plan');
    assert.equal(plan.code, 0);
    assert.match(plan.out, /CREATE TABLE "up_[0-9a-f]+"\."openmemory_waypoints_next"/);
    assert.equal(await db.dump(), before);
    const up = await cli(db.env, 'up', '--no-reembed');
    assert.equal(up.code, 0, up.err);
    assert.doesNotMatch(up.out, /^backup:/m, 'no file to copy on PostgreSQL');
    const verify = await cli(db.env, 'verify');
    assert.equal(verify.code, 0);
    assert.match(verify.out, /vectors without a model \(to re-embed\): 215/);
  } finally {
    await db.cleanup();
  }
});
