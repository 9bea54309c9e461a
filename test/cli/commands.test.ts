/** Each CLI command through the built binary: `--json` output, readable output, exit codes. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tmpDir } from '../helpers/tmp.js';
import { runCli } from './run.js';

const COMMANDS = [
  'serve',
  'mcp',
  'add',
  'query',
  'list',
  'get',
  'update',
  'delete',
  'history',
  'reinforce',
  'users',
  'keys',
  'stats',
  'export',
  'import',
  'reembed',
];

describe('openmemory CLI (local database)', () => {
  let tmp: ReturnType<typeof tmpDir>;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);

  before(() => {
    tmp = tmpDir('om-cli-');
    env = { OM_DB_PATH: path.join(tmp.dir, 'om.sqlite') };
  });
  after(() => tmp.cleanup());

  test('--help on every command exits 0 and prints its usage; no command or an unknown one exits 2', async () => {
    for (const name of COMMANDS) {
      const r = await cli(name, '--help');
      assert.equal(r.code, 0, name);
      assert.match(r.stdout, new RegExp(`usage: openmemory ${name}`), name);
    }
    const top = await cli('--help');
    assert.equal(top.code, 0);
    for (const name of COMMANDS) assert.match(top.stdout, new RegExp(`\\n  ${name} `));
    assert.equal((await cli()).code, 2);
    const version = await cli('--version');
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    const unknown = await cli('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });

  test('add, query, list, get, update, reinforce, delete with --json, per user', async () => {
    const a = await cli(
      'add',
      'Alice keeps a sourdough starter alive',
      '--user',
      'alice',
      '--tags',
      'baking,bread',
      '--metadata',
      '{"kitchen":true}',
      '--json',
    );
    assert.equal(a.code, 0, a.stderr);
    const { id } = a.json();
    const b = await cli('add', 'Bob brews his own ginger beer', '--user', 'bob', '--json');
    assert.equal(b.code, 0);

    const q = await cli('query', 'what does she bake', '--user', 'alice', '--json');
    assert.equal(q.code, 0);
    assert.deepEqual(
      q.json().matches.map((m: any) => m.id),
      [id],
    );
    const qb = await cli('query', 'what does she bake', '--user', 'bob', '--json');
    assert.deepEqual(
      qb.json().matches.map((m: any) => m.id),
      [b.json().id],
    );

    const list = await cli('list', '--user', 'alice', '--json');
    assert.deepEqual(
      list.json().map((m: any) => m.id),
      [id],
    );
    const table = await cli('list', '--user', 'alice');
    assert.match(table.stdout, /^id\s+sector\s+salience\s+created\s+content\n/);
    assert.match(table.stdout, /sourdough/);

    const got = await cli('get', id, '--user', 'alice', '--json');
    assert.deepEqual(got.json().tags, ['baking', 'bread']);
    assert.deepEqual(got.json().metadata, { kitchen: true });
    assert.equal((await cli('get', id, '--user', 'bob')).code, 3);

    const upd = await cli('update', id, '--user', 'alice', '--tags', 'bread', '--json');
    assert.equal(upd.code, 0);
    assert.deepEqual(upd.json().tags, ['bread']);
    assert.equal((await cli('update', id, '--user', 'alice')).code, 2);

    const re = await cli('reinforce', id, '--user', 'alice', '--boost', '0.3', '--json');
    assert.equal(re.code, 0);
    assert.ok(re.json().salience > got.json().salience);
    assert.equal((await cli('reinforce', id, '--user', 'bob')).code, 3);

    assert.equal((await cli('delete', id, '--user', 'bob')).code, 3);
    const del = await cli('delete', id, '--user', 'alice', '--json');
    assert.deepEqual(del.json(), { ok: true, id });
    assert.equal((await cli('get', id, '--user', 'alice')).code, 3);

    const history = await cli('history', id, '--user', 'alice', '--json');
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(
      history.json().map((e: any) => [e.event, e.actor]),
      [
        ['add', 'local'],
        ['update', 'local'],
        ['reinforce', 'local'],
        ['delete', 'local'],
      ],
    );
    const readable = await cli('history', id, '--user', 'alice');
    assert.match(
      readable.stdout,
      /Z add by local: Alice keeps a sourdough starter alive\n.*Z update by local \{"fields":\["tags"\]\}\n/,
    );
    assert.equal((await cli('history', id, '--user', 'bob')).code, 3);
  });

  test('bad input exits 2 and writes nothing', async () => {
    for (const args of [
      ['add', '   ', '--user', 'zoe'],
      ['add', 'x', '--user', 'zoe', '--salience', '7'],
      ['add', 'x', '--user', 'zoe', '--metadata', '[1]'],
      ['add', 'x', '--user', 'zoe', '--bogus'],
      ['query', 'x', '--k', '0'],
      ['list', '--sector', 'nope'],
    ]) {
      const r = await cli(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
    }
    assert.deepEqual((await cli('list', '--user', 'zoe', '--json')).json(), []);
  });

  test('users list, summary, erase; stats', async () => {
    await cli('add', 'Carol paints lighthouses', '--user', 'carol');
    const users = (await cli('users', 'list', '--json')).json();
    assert.deepEqual(
      users.find((u: any) => u.user_id === 'carol'),
      { user_id: 'carol', memories: 1 },
    );
    const summary = await cli('users', 'summary', 'carol', '--json');
    assert.equal(summary.code, 0);
    assert.equal(summary.json().user_id, 'carol');
    const stats = (await cli('stats', '--json')).json();
    assert.equal(stats.users, users.length);
    const mine = (await cli('stats', '--user', 'carol', '--json')).json();
    assert.equal(mine.memories, 1);

    assert.equal((await cli('users', 'erase', 'carol')).code, 2);
    assert.equal((await cli('users', 'frob')).code, 2);
    const erased = await cli('users', 'erase', 'carol', '--yes', '--json');
    assert.equal(erased.code, 0);
    assert.equal(erased.json().memories, 1);
    assert.deepEqual((await cli('list', '--user', 'carol', '--json')).json(), []);
    assert.equal((await cli('list', '--user', 'bob', '--json')).json().length, 1);
  });

  test('keys create, list, revoke', async () => {
    const created = await cli('keys', 'create', 'dave', '--label', 'ci', '--json');
    assert.equal(created.code, 0);
    const key = created.json();
    assert.match(key.key, /^om_/);
    const listed = (await cli('keys', 'list', '--json')).json();
    assert.equal(listed.find((k: any) => k.id === key.id).user_id, 'dave');
    assert.ok(!JSON.stringify(listed).includes(key.key));
    assert.equal((await cli('keys', 'revoke', key.id)).code, 0);
    assert.notEqual((await cli('keys', 'list', '--json')).json().find((k: any) => k.id === key.id).revoked_at, null);
    assert.equal((await cli('keys', 'revoke', 'no-such-key')).code, 3);
  });
});
