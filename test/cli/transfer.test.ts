/**
 * export → import into an empty database → export again reproduces the dump exactly: ids,
 * contents, users (the default user too) with their summaries, tags, metadata, times, salience
 * and links; with vectors (bit for bit) and without (embedded again on import).
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';
import { allFixtures, copySqliteFixture } from '../upgrade/fixtures.js';
import { runCli } from './run.js';

const parsed = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
/** The memory lines of a dump (user summary lines carry `kind: "user"`). */
const memoryLines = (text: string) => parsed(text).filter((l) => l.kind === undefined);

describe('openmemory export / import', () => {
  let tmp: ReturnType<typeof tmpDir>;
  const db = (name: string): Record<string, string> => ({ OM_DB_PATH: path.join(tmp.dir, `${name}.sqlite`) });
  const file = (name: string) => path.join(tmp.dir, name);

  before(async () => {
    tmp = tmpDir('om-cli-transfer-');
    const seed: Array<[string, string[]]> = [
      [
        'Alice hikes in the Alps every August',
        ['--user', 'alice', '--tags', 'travel', '--metadata', '{"season":"summer"}'],
      ],
      ['Alice hikes in the Pyrenees in September', ['--user', 'alice']],
      ['Alice prefers window seats on trains', ['--user', 'alice', '--salience', '0.9']],
      ['Bob is allergic to peanuts', ['--user', 'bob', '--sector', 'emotional']],
      ['The shared team calendar lives in the wiki', []],
    ];
    for (const [content, flags] of seed) assert.equal((await runCli(['add', content, ...flags], db('source'))).code, 0);
    await runCli(
      ['reinforce', (await runCli(['list', '--user', 'bob', '--json'], db('source'))).json()[0].id, '--user', 'bob'],
      db('source'),
    );
  });
  after(() => tmp.cleanup());

  for (const withVectors of [true, false]) {
    test(`round trip ${withVectors ? 'with' : 'without'} vectors`, async () => {
      const flags = withVectors ? ['--with-vectors'] : [];
      const target = withVectors ? 'copy-vectors' : 'copy-plain';
      const first = file(`${target}-1.jsonl`);
      const second = file(`${target}-2.jsonl`);
      assert.equal((await runCli(['export', ...flags, '-o', first], db('source'))).code, 0);
      const lines = memoryLines(readFileSync(first, 'utf8'));
      assert.equal(lines.length, 5);
      const users = parsed(readFileSync(first, 'utf8')).filter((l) => l.kind === 'user');
      assert.deepEqual(
        users.map((u) => u.user_id),
        [null, 'alice', 'bob'],
      );
      assert.ok(users.every((u) => typeof u.summary === 'string' && u.summary.length > 0));
      assert.deepEqual([...new Set(lines.map((l) => l.user_id))], [null, 'alice', 'bob']);
      assert.equal('vectors' in lines[0], withVectors);

      const imported = await runCli(['import', first, '--json'], db(target));
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal(imported.json().imported, 5);
      assert.equal(imported.json().embedded, withVectors ? 0 : 5);
      assert.equal(imported.json().users, 3);
      assert.equal((await runCli(['export', ...flags, '-o', second], db(target))).code, 0);
      assert.equal(readFileSync(second, 'utf8'), readFileSync(first, 'utf8'));

      const again = await runCli(['import', first, '--json'], db(target));
      assert.deepEqual(again.json(), { imported: 0, skipped: 5, embedded: 0, links: 0, users: 0 });
    });
  }

  test('export files are owner-only, whatever the umask, an existing readable file too; a device is written as is', async () => {
    const fresh = file('private.jsonl');
    const existing = file('was-readable.jsonl');
    writeFileSync(existing, 'old');
    chmodSync(existing, 0o644);
    const umask = process.umask(0);
    try {
      for (const f of [fresh, existing]) assert.equal((await runCli(['export', '-o', f], db('source'))).code, 0);
    } finally {
      process.umask(umask);
    }
    for (const f of [fresh, existing]) assert.equal((statSync(f).mode & 0o777).toString(8), '600', f);
    assert.equal(memoryLines(readFileSync(existing, 'utf8')).length, 5);
    assert.equal((await runCli(['export', '-o', '/dev/null'], db('source'))).code, 0);
  });

  test('SQLite → PostgreSQL → export again: the same dump', async () => {
    const pg = await freshPgSchema('cli');
    try {
      const pgEnv = { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema };
      const first = file('to-pg-1.jsonl');
      assert.equal((await runCli(['export', '--with-vectors', '-o', first], db('source'))).code, 0);
      const imported = await runCli(['import', first, '--json'], pgEnv);
      assert.equal(imported.code, 0, imported.stderr);
      const again = await runCli(['export', '--with-vectors'], pgEnv);
      assert.equal(again.stdout, readFileSync(first, 'utf8'));
    } finally {
      await pg.drop();
    }
  });

  test('an upstream v1.2 database (upgraded on open) exports and re-imports identically', async () => {
    const upstream = { OM_DB_PATH: copySqliteFixture('v1.2', 'openmemory-v1.2.sqlite', tmp.dir) };
    const first = file('upstream-1.jsonl');
    assert.equal((await runCli(['export', '--with-vectors', '-o', first], upstream)).code, 0);
    const lines = memoryLines(readFileSync(first, 'utf8'));
    const fixture = allFixtures().find((f) => f.set === 'v1.2' && f.file === 'openmemory-v1.2.sqlite')!;
    assert.deepEqual(lines.map((l) => l.id).sort(), fixture.manifest.memories.map((m) => m.id).sort());
    assert.deepEqual(
      lines.map((l) => [l.id, l.user_id]).sort(),
      fixture.manifest.memories.map((m) => [m.id, m.user_id]).sort(),
    );
    assert.equal((await runCli(['import', first], db('upstream-copy'))).code, 0);
    const again = await runCli(['export', '--with-vectors'], db('upstream-copy'));
    assert.equal(again.stdout, readFileSync(first, 'utf8'));
  });

  test('export to stdout and import from stdin; one user only', async () => {
    const out = await runCli(['users', 'export', 'alice'], db('source'));
    assert.equal(out.code, 0);
    assert.equal(memoryLines(out.stdout).length, 3);
    const r = await runCli(['import', '-', '--json'], db('alice-only'), out.stdout);
    assert.equal(r.json().imported, 3);
    assert.deepEqual((await runCli(['users', 'list', '--json'], db('alice-only'))).json(), [
      { user_id: 'alice', memories: 3 },
    ]);
  });

  test('a bad line anywhere refuses the whole import before writing', async () => {
    const good = (await runCli(['export'], db('source'))).stdout
      .trim()
      .split('\n')
      .filter((l) => !l.includes('"kind":"user"'));
    const bad = file('bad.jsonl');
    writeFileSync(bad, [...good.slice(0, 4), '{"format":"openmemory-export/1","id":"x"}'].join('\n'));
    const r = await runCli(['import', bad], db('refused'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /line 5/);
    assert.equal((await runCli(['stats', '--json'], db('refused'))).json().memories, 0);
    assert.equal((await runCli(['import', file('missing.jsonl')], db('refused'))).code, 1);

    const withVectors = (await runCli(['export', '--with-vectors'], db('source'))).stdout
      .trim()
      .split('\n')
      .filter((l) => !l.includes('"kind":"user"'));
    const userSummary = JSON.stringify({
      format: 'openmemory-export/1',
      kind: 'user',
      user_id: 'zoe',
      summary: 's',
      reflection_count: 0,
      created_at: 1,
      updated_at: 2,
    });
    const brokenVector = JSON.parse(withVectors[2]!);
    brokenVector.vectors[0].data = Buffer.from([1, 2, 3]).toString('base64');
    const cases: Array<[string, string[], RegExp]> = [
      [
        'a vector that is not whole float32 values',
        [withVectors[0]!, withVectors[1]!, JSON.stringify(brokenVector)],
        /line 3: vector data/,
      ],
      [
        'the same id twice',
        [withVectors[0]!, withVectors[1]!, withVectors[0]!],
        /line 3: id .* already given on line 1/,
      ],
      ['not JSON', [withVectors[0]!, '', '{"format":'], /line 3: not valid JSON/],
      [
        'a user summary twice',
        [userSummary, withVectors[0]!, userSummary],
        /line 3: the summary of user zoe was already given on line 1/,
      ],
      [
        'a user line missing its summary',
        [JSON.stringify({ ...JSON.parse(userSummary), summary: undefined })],
        /line 1: summary/,
      ],
    ];
    for (const [what, lines, expected] of cases) {
      writeFileSync(bad, lines.join('\n'));
      const refused = await runCli(['import', bad], db('refused'));
      assert.equal(refused.code, 2, what);
      assert.match(refused.stderr, expected, what);
      assert.equal((await runCli(['stats', '--json'], db('refused'))).json().memories, 0, what);
    }
  });
});
