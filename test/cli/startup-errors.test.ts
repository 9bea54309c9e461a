/** What a person sees when the server cannot start, or starts: the setting to change, never a password, JSON log lines. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { main, type Io } from '../../src/interfaces/cli/main.js';
import { testPgUrl } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

async function serveFails(env: Record<string, string>): Promise<string> {
  const errors: string[] = [];
  const io: Io = {
    env: { OM_LOG_LEVEL: 'silent', OM_ENGINE_THREADS: '0', OM_PORT: '0', ...env },
    out: () => {},
    err: (l) => errors.push(l),
  };
  assert.equal(await main(['serve'], io), 1);
  return errors.join('\n');
}

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

test('a PostgreSQL that cannot be used is named with host, port, database and user, and the setting to change', async () => {
  const port = await freePort();
  const refused = await serveFails({
    OM_METADATA_BACKEND: 'postgres',
    OM_PG_URL: `postgres://alice:secretpw@127.0.0.1:${port}/memories`,
  });
  assert.match(
    refused,
    new RegExp(
      `OM_PG_URL: cannot use PostgreSQL at 127\\.0\\.0\\.1:${port}, database "memories", user "alice": .*ECONNREFUSED`,
    ),
  );
  assert.doesNotMatch(refused, /secretpw/);

  const u = new URL(testPgUrl());
  const role = await serveFails({
    OM_METADATA_BACKEND: 'postgres',
    OM_PG_HOST: u.hostname,
    OM_PG_PORT: u.port || '5432',
    OM_PG_DB: 'test',
    OM_PG_USER: 'no_such_role_om',
    OM_PG_PASSWORD: 'secretpw',
  });
  assert.match(
    role,
    /OM_PG_USER \/ OM_PG_PASSWORD: cannot use PostgreSQL at .*user "no_such_role_om": .*no_such_role_om/,
  );
  assert.doesNotMatch(role, /secretpw/);

  const unparsable = await serveFails({
    OM_METADATA_BACKEND: 'postgres',
    OM_PG_URL: 'postgres//alice:secretpw@127.0.0.1/db',
  });
  assert.match(unparsable, /OM_PG_URL: must be a URL, got "postgres\/\/alice:\*\*\*@127\.0\.0\.1\/db"/);
  const provider = await serveFails({ OM_EMBEDDINGS: 'ollama', OLLAMA_URL: 'http//bob:hunter2@ollama.local' });
  assert.doesNotMatch(provider, /hunter2/);
});

test('start-up logs are JSON lines that say whether authentication is on, without an empty re-embedding line', async () => {
  const tmp = tmpDir();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/interfaces/cli/main.ts', 'serve'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      OM_PORT: '0',
      OM_DB_PATH: path.join(tmp.dir, 'log.sqlite'),
      OM_LOG_LEVEL: 'info',
      OM_API_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (err += c));
    while (!/authentication/.test(err)) {
      assert.equal(child.exitCode, null, err);
      await new Promise((r) => setTimeout(r, 50));
    }
    const lines = err.trim().split('\n');
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line}`);
    assert.ok(
      lines.some((l) => /migration 1\.2\.0/.test(l)),
      'migration steps are logged',
    );
    assert.ok(!lines.some((l) => /0\/0/.test(l)), 'no re-embedding line when nothing needs it');
    assert.ok(lines.some((l) => /authentication off: OM_API_KEY is not set/.test(l)));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    tmp.cleanup();
  }
});
