/** The `serve` command: config errors, start-up lines, and a clean stop on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { main, type Io } from '../../src/interfaces/cli/main.js';
import { tmpDir } from '../helpers/tmp.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

function captureIo(env: Record<string, string>): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { env, lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

test('a bad configuration prints one line and exits 1; unknown commands print usage', async () => {
  const io = captureIo({ OM_PORT: 'eighty' });
  assert.equal(await main(['serve'], io), 1);
  assert.deepEqual(io.errors, ['configuration error: OM_PORT: must be an integer, got "eighty"']);
  const tmp = tmpDir();
  const dbPath = path.join(tmp.dir, 'x.sqlite');
  const open = captureIo({ OM_HOST: '0.0.0.0', OM_DB_PATH: dbPath, OM_LOG_LEVEL: 'silent' });
  assert.equal(await main(['serve'], open), 1);
  assert.match(open.errors[0]!, /^configuration error: OM_HOST: binding to 0\.0\.0\.0 without OM_API_KEY/);
  assert.ok(!existsSync(dbPath), 'nothing was created');
  tmp.cleanup();
  const usage = captureIo({});
  assert.equal(await main(['frobnicate'], usage), 2);
  assert.match(usage.errors.join('\n'), /serve/);
});

test('serve prints the URL and the absolute database path, answers, and stops cleanly on SIGTERM', async () => {
  const tmp = tmpDir();
  const dbPath = path.join(tmp.dir, 'nested', 'om.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/interfaces/cli/main.ts', 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, OM_PORT: '0', OM_DB_PATH: dbPath, OM_LOG_LEVEL: 'silent', OM_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    child.stdout.setEncoding('utf8');
    while (!/store: .*\n/.test(out)) {
      const [chunk] = await once(child.stdout, 'data');
      out += chunk;
    }
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    assert.match(out, new RegExp(`store: .*${dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(existsSync(dbPath));
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const add = await fetch(`${url}/memory/add`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'served over a real socket' }) });
    assert.equal(add.status, 200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    tmp.cleanup();
  }
});
