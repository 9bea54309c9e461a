/**
 * `openmemory import --from` through the built binary, against local servers speaking the
 * services' APIs: keys and addresses from the environment (or --url for an OpenMemory server),
 * the state file of an interrupted import, and the resumed run that completes it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tmpDir } from '../helpers/tmp.js';
import { SERVICE_KEY, SOURCE_MEMORIES, SOURCE_USER, startService } from '../features/import-services.js';
import { runCli } from './run.js';

describe('openmemory import --from', () => {
  let tmp: ReturnType<typeof tmpDir>;
  let env: Record<string, string>;
  before(() => {
    tmp = tmpDir('om-cli-import-');
    env = { OM_DB_PATH: path.join(tmp.dir, 'om.sqlite') };
  });
  after(() => tmp.cleanup());

  test('mem0: key and address from the environment; an interrupted import resumes from its state file', async () => {
    const server = await startService('mem0');
    const state = path.join(tmp.dir, 'mem0.state.json');
    const args = [
      'import',
      '--from',
      'mem0',
      '--user',
      'alice',
      '--source-user',
      SOURCE_USER,
      '--page-size',
      '3',
      '--state',
      state,
      '--json',
    ];
    const withKey = { ...env, MEM0_API_KEY: SERVICE_KEY, MEM0_BASE_URL: server.url };
    try {
      const noKey = await runCli(args, { ...env, MEM0_BASE_URL: server.url });
      assert.equal(noKey.code, 2);
      assert.match(noKey.stderr, /set MEM0_API_KEY/);

      server.failAfter(1, { status: 403, body: { detail: 'key revoked' } });
      const cut = await runCli(args, withKey);
      assert.equal(cut.code, 1);
      assert.match(cut.stderr, /rerun the same command to resume/);
      assert.deepEqual(JSON.parse(readFileSync(state, 'utf8')).cursor, '2');
      server.heal();
      const resumed = await runCli(args, withKey);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(resumed.json(), { imported: 7, skipped: 0, rejected: 0, resumed: true });
      assert.equal(existsSync(state), false);

      const list = (await runCli(['list', '--user', 'alice', '--json'], env)).json();
      assert.equal(list.length, 7);
      assert.deepEqual(list.map((m: any) => m.created_at).sort(), SOURCE_MEMORIES.map((m) => m.created).sort());
      assert.deepEqual(list[0].tags, ['personal']);
      const again = await runCli(args, withKey);
      assert.deepEqual(again.json(), { imported: 0, skipped: 7, rejected: 0, resumed: false });
    } finally {
      await server.close();
    }
  });

  test('openmemory-url: pulls from a running v1.2 server with its key; readable summary line', async () => {
    const server = await startService('openmemory-url');
    try {
      const r = await runCli(
        [
          'import',
          '--from',
          'openmemory-url',
          '--url',
          server.url,
          '--api-key',
          SERVICE_KEY,
          '--user',
          'bob',
          '--source-user',
          SOURCE_USER,
        ],
        { ...env, OPENMEMORY_API_KEY: 'unused' },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^imported 7 memories from openmemory-url, 0 already present, 0 refused\n$/);
      const bob = (await runCli(['list', '--user', 'bob', '--json'], env)).json();
      assert.ok(bob.every((m: any) => m.salience > 0 && m.metadata.imported_from === 'openmemory'));
      const missing = await runCli(['import', '--from', 'openmemory-url', '--user', 'bob'], env);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /needs --url/);
      assert.equal((await runCli(['import', '--from', 'letta', '--user', 'bob'], env)).code, 2);
    } finally {
      await server.close();
    }
  });
});
