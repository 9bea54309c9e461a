import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { UsageError } from '../../src/interfaces/cli/args.js';
import { reembedCommand } from '../../src/interfaces/cli/reembed.js';
import { createLogger } from '../../src/log.js';
import { userScope } from '../../src/store/scope.js';
import { tmpDir } from '../helpers/tmp.js';
import { fakeOpenAi } from './fake-providers.js';
import { closedPort, type FakeServer } from './fake-server.js';

const open = (env: Record<string, string>) =>
  Memory.open({
    config: loadConfig({ OM_LOG_LEVEL: 'silent', OM_EMBED_RETRY_BASE_MS: '1', ...env }),
    jobs: false,
    logger: createLogger('silent'),
  });

describe('a remote provider at engine start-up', () => {
  let fake: FakeServer;
  const tmp = tmpDir('om-embed-start-');
  before(async () => {
    fake = await fakeOpenAi('sk-test', 16);
  });
  after(async () => {
    await fake.close();
    tmp.cleanup();
  });
  const openai = (file: string, key = 'sk-test') => ({
    OM_DB_PATH: path.join(tmp.dir, file),
    OM_EMBEDDINGS: 'openai',
    OM_OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: key,
  });

  test('a wrong key stops Memory.open with provider and host, before the database is created', async () => {
    await assert.rejects(
      open(openai('wrong-key.sqlite', 'sk-nope')),
      /embedding provider openai at 127\.0\.0\.1:\d+: rejected the credentials \(HTTP 401/,
    );
    assert.equal(existsSync(path.join(tmp.dir, 'wrong-key.sqlite')), false);
  });

  test('an unreachable host stops Memory.open', async () => {
    const port = await closedPort();
    await assert.rejects(
      open({
        OM_DB_PATH: path.join(tmp.dir, 'down.sqlite'),
        OM_EMBEDDINGS: 'ollama',
        OLLAMA_URL: `http://127.0.0.1:${port}`,
        OM_EMBED_MAX_RETRIES: '1',
      }),
      new RegExp(`embedding provider ollama at 127\\.0\\.0\\.1:${port}: cannot connect \\(ECONNREFUSED\\)`),
    );
  });

  test('stored vectors of another model are reported, then re-embedded by the CLI command', async () => {
    const file = 'switch.sqlite';
    const synthetic = await open({ OM_DB_PATH: path.join(tmp.dir, file) });
    await synthetic.addMany(userScope('u1'), [
      { content: 'The cat sleeps on the red sofa' },
      { content: 'Invoices are due every Friday' },
    ]);
    await synthetic.close();

    const switched = await open(openai(file));
    assert.equal(switched.modelStatus.ok, false);
    assert.match(
      switched.modelStatus.message!,
      /vectors of synthetic:.* but the configured embedder is openai:text-embedding-3-small\/16/,
    );
    const before = fake.requests.length;
    await switched.add(userScope('u1'), { content: 'Water boils at 100 degrees at sea level' });
    assert.equal(fake.requests.length - before, 1, 'one add = one batched request');
    await switched.close();

    const out: string[] = [];
    const err: string[] = [];
    const io = {
      env: { OM_LOG_LEVEL: 'silent', ...openai(file) },
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
    };
    assert.equal(await reembedCommand(['--user', 'u1', '--batch', '1'], io), 0);
    assert.equal(out.length, 1);
    assert.match(
      out[0]!,
      /^re-embedded 2 of 2 memories \(\d+ vectors\) with openai:text-embedding-3-small\/16; 0 changed or deleted meanwhile$/,
    );
    // Off a terminal: the first line and the last (the one in between is within the log interval).
    assert.equal(err.length, 2);
    assert.match(err[0]!, /^\[-{30}\] 0\/2 {2}0\.0% {2}0\.0\/s {2}ETA --:--$/);
    assert.match(err[1]!, /^\[#{30}\] 2\/2 {2}100\.0%/);

    // On a terminal the bar is redrawn in place and ends with a newline.
    const drawn: string[] = [];
    const tty = { ...io, errIsTTY: true, errInPlace: (t: string) => drawn.push(t) };
    assert.equal(await reembedCommand(['--default-user'], tty), 0);
    assert.deepEqual(drawn, ['[##############################] 0/0  100.0%  0.0/s  ETA --:--', '\n']);

    // embed_logs keeps v1.2's meaning: one row per memory id, now naming the new model.
    const db = new Database(path.join(tmp.dir, file), { readonly: true });
    const logs = db
      .prepare('SELECT l.model, l.status FROM embed_logs l JOIN memories m ON m.id = l.id WHERE m.user_id = ?')
      .all('u1');
    db.close();
    assert.deepEqual(logs, Array(3).fill({ model: 'openai:text-embedding-3-small/16', status: 'completed' }));

    const after = await open(openai(file));
    assert.ok(after.modelStatus.ok, after.modelStatus.message ?? '');
    await after.close();

    await assert.rejects(
      reembedCommand(['--user', 'u1', '--default-user'], io),
      (e: unknown) => e instanceof UsageError && /exclude each other/.test(e.message),
    );
    await assert.rejects(
      reembedCommand(['--batch', '0'], io),
      (e: unknown) => e instanceof UsageError && /--batch must be a positive integer/.test(e.message),
    );
    await assert.rejects(
      reembedCommand(['--bogus'], io),
      (e: unknown) => e instanceof UsageError && /Unknown option '--bogus'/.test(e.message),
    );
    await assert.rejects(reembedCommand(['extra'], io), UsageError);
  });
});
