/** The `serve` command: config errors, start-up lines, and a clean stop on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
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
    const add = await fetch(`${url}/memory/add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'served over a real socket' }),
    });
    assert.equal(add.status, 200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    tmp.cleanup();
  }
});

/** Starts a command that prints `listening on URL`; resolves with the URL and everything printed so far. */
async function listening(child: ReturnType<typeof spawn>): Promise<{ url: string; out: () => string }> {
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (c: string) => (out += c));
  child.stderr!.on('data', (c: string) => (out += c));
  while (!/listening on (http:\/\/\S+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: /listening on (http:\/\/\S+)/.exec(out)![1]!, out: () => out };
}

test('--port, --host and --db win over the variables and say so; a taken port fails before the database is created', async () => {
  const tmp = tmpDir();
  const dbPath = path.join(tmp.dir, 'flag.sqlite');
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const taken = (blocker.address() as AddressInfo).port;
  try {
    const io = captureIo({
      OM_PORT: String(taken),
      OM_DB_PATH: path.join(tmp.dir, 'never.sqlite'),
      OM_LOG_LEVEL: 'silent',
    });
    assert.equal(await main(['serve'], io), 1);
    assert.match(
      io.errors[0]!,
      new RegExp(`OM_PORT: 127\\.0\\.0\\.1:${taken} is already in use; choose another port with OM_PORT or --port`),
    );
    assert.ok(
      !existsSync(path.join(tmp.dir, 'never.sqlite')),
      'no database is created for a server that cannot listen',
    );
    assert.equal(await main(['serve', '--bogus'], captureIo({})), 2);

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/interfaces/cli/main.ts', 'serve', '--port', '0', '--db', dbPath, '--host', '127.0.0.1'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          OM_PORT: String(taken),
          OM_DB_PATH: path.join(tmp.dir, 'env.sqlite'),
          OM_LOG_LEVEL: 'silent',
          OM_API_KEY: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const { url, out } = await listening(child);
      assert.match(out(), new RegExp(`--port 0 overrides OM_PORT=${taken}`));
      assert.match(out(), /--db .* overrides OM_DB_PATH=/);
      assert.equal((await fetch(`${url}/health`)).status, 200);
      assert.ok(existsSync(dbPath) && !existsSync(path.join(tmp.dir, 'env.sqlite')));
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  } finally {
    blocker.close();
    tmp.cleanup();
  }
});

test('SIGTERM to `npm start` stops the server itself (the script leaves node as the process that gets it)', async () => {
  const tmp = tmpDir();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      OM_PORT: '0',
      OM_DB_PATH: path.join(tmp.dir, 'npm.sqlite'),
      OM_LOG_LEVEL: 'silent',
      OM_API_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const { url } = await listening(child);
    child.kill('SIGTERM');
    await once(child, 'exit');
    // The server must be gone too, not orphaned under init.
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      refused = await fetch(`${url}/health`).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(refused, 'the server still answers after npm start got SIGTERM');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    tmp.cleanup();
  }
});
