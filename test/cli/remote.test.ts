/** The same commands against a listening server (`--url`, `--api-key`): admin and user keys. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Memory } from '../../src/engine/memory.js';
import { userScope } from '../../src/store/scope.js';
import { listeningServer, type ListeningServer } from '../helpers/listening-server.js';
import { tmpDir } from '../helpers/tmp.js';
import { runCli } from './run.js';

const ADMIN = 'cli-admin-key-0123456789';

describe('openmemory CLI against a server', () => {
  let tmp: ReturnType<typeof tmpDir>;
  let server: ListeningServer;
  let memory: Memory;
  // A local database the CLI could open must stay unused: every command goes over HTTP.
  const env = () => ({ OM_DB_PATH: path.join(tmp.dir, 'local-unused.sqlite') });
  const remote = (key: string, ...args: string[]) => runCli([...args, '--url', server.url, '--api-key', key], env());

  before(async () => {
    tmp = tmpDir('om-cli-remote-');
    server = await listeningServer(ADMIN);
    memory = server.memory;
  });
  after(async () => {
    await server.close();
    assert.ok(!existsSync(path.join(tmp.dir, 'local-unused.sqlite')));
    tmp.cleanup();
  });

  test('admin key: add, query, get, list for named users; keys', async () => {
    const a = await remote(ADMIN, 'add', 'Alice mentors junior developers', '--user', 'alice', '--json');
    assert.equal(a.code, 0, a.stderr);
    await remote(ADMIN, 'add', 'Bob mentors chess players', '--user', 'bob');
    const q = await remote(ADMIN, 'query', 'who does she mentor', '--user', 'alice', '--json');
    assert.deepEqual(
      q.json().matches.map((m: any) => m.id),
      [a.json().id],
    );
    assert.equal((await remote(ADMIN, 'get', a.json().id, '--user', 'bob')).code, 3);
    assert.equal((await remote(ADMIN, 'list', '--user', 'bob', '--json')).json().length, 1);
    assert.equal((await memory.list(userScope('alice'))).length, 1);
    const key = await remote(ADMIN, 'keys', 'create', 'alice', '--json');
    assert.equal(key.code, 0);
    assert.equal(key.json().user_id, 'alice');
  });

  test('user key: its own user only; naming another fails', async () => {
    const key = (await remote(ADMIN, 'keys', 'create', 'alice', '--json')).json().key;
    const own = await remote(key, 'list', '--json');
    assert.equal(own.code, 0);
    assert.deepEqual(
      own.json().map((m: any) => m.user_id),
      ['alice'],
    );
    const other = await remote(key, 'list', '--user', 'bob');
    assert.equal(other.code, 1);
    assert.equal(other.stderr.trim(), 'forbidden: this API key may only act for its own user');
    assert.equal((await remote(key, 'keys', 'list')).code, 1);
    // The server's own code, the same as the HTTP body's `error` (src/errors.ts), not one guessed from the status.
    const bad = await remote('wrong-key', 'list');
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim(), 'invalid_api_key: API key is invalid or revoked');
  });

  test('local-only commands refuse --url with a usage error', async () => {
    for (const args of [['stats'], ['export'], ['users', 'list']]) {
      const r = await remote(ADMIN, ...args);
      assert.equal(r.code, 2, args.join(' '));
    }
  });
});
