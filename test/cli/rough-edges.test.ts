/** What a new user hits first on the command line: long content, pipes, keys from the environment, clear usage errors. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { alignHelp } from '../../src/interfaces/cli/command.js';
import { tmpDir } from '../helpers/tmp.js';
import { bin, runCli } from './run.js';

describe('CLI rough edges', () => {
  let tmp: ReturnType<typeof tmpDir>;
  let env: Record<string, string>;
  const cli = (args: string[], stdin?: string) => runCli(args, env, stdin);

  before(() => {
    tmp = tmpDir('om-cli-edges-');
    env = { OM_DB_PATH: path.join(tmp.dir, 'om.sqlite') };
  });
  after(() => tmp.cleanup());

  test('add takes long content from standard input (-) or a file (--file), not a literal dash', async () => {
    // Beyond what one command-line argument may hold (128 KiB on Linux).
    const long = `Alice's travel journal. ${'She walked along the harbour at dawn. '.repeat(4000)}`;
    assert.ok(long.length > 140_000);
    const piped = await cli(['add', '-', '--user', 'alice', '--json'], long);
    assert.equal(piped.code, 0, piped.stderr);
    const got = await cli(['get', piped.json().id, '--user', 'alice', '--json']);
    assert.equal(got.json().content, long);

    const file = path.join(tmp.dir, 'note.txt');
    writeFileSync(file, 'Bob keeps bees on the roof');
    const fromFile = await cli(['add', '--file', file, '--user', 'bob', '--json']);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(
      (await cli(['get', fromFile.json().id, '--user', 'bob', '--json'])).json().content,
      'Bob keeps bees on the roof',
    );

    const both = await cli(['add', 'text', '--file', file]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /one of them/);
    const missing = await cli(['add', '--file', path.join(tmp.dir, 'nope.txt')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
  });

  test('a reader that stops early (| head) ends the command quietly with exit 0', async () => {
    const long = `Carol's garden log. ${'The tomatoes ripened early this year. '.repeat(4000)}`;
    for (let i = 0; i < 3; i++) assert.equal((await cli(['add', '-', '--user', 'carol'], `${i} ${long}`)).code, 0);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'export'], { env: { PATH: process.env.PATH ?? '', ...env } });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      // Read one chunk, then close the pipe as `head -1` does.
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EPIPE|Error/);
  });

  test('--url takes the key from OM_API_KEY; a URL without a scheme is a usage error', async () => {
    const noScheme = await cli(['list', '--url', '127.0.0.1:8080']);
    assert.equal(noScheme.code, 2);
    assert.match(noScheme.stderr, /--url must be an http\(s\) URL such as http:\/\/127\.0\.0\.1:8080/);

    // A server that records the key it was sent.
    const { createServer } = await import('node:http');
    let seen: string | undefined;
    const server = createServer((req, res) => {
      seen = req.headers.authorization;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items: [] }));
    }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await runCli(['list', '--url', `http://127.0.0.1:${port}`, '--json'], {
        ...env,
        OM_API_KEY: 'om_from_the_environment',
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(seen, 'Bearer om_from_the_environment');
    } finally {
      server.close();
    }
  });

  test('migrate names an unknown subcommand; counts read as English; help columns line up', async () => {
    const typo = await cli(['migrate', 'stauts']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown migrate subcommand "stauts"; try: status, plan, up, verify/);

    assert.equal((await cli(['add', 'Dave repairs old radios', '--user', 'dave'])).code, 0);
    const erased = await cli(['users', 'erase', 'dave', '--yes']);
    assert.match(erased.stdout, /erased dave: 1 memory, \d+ vectors?, 0 links/);

    const help = (await cli(['users', '--help'])).stdout;
    const columns = new Set(
      help
        .split('\n')
        .filter((l) => /^ {2}\S.*\S {2,}\S/.test(l))
        .map((l) => /^ {2}\S.*?\S {2,}/.exec(l)![0].length),
    );
    assert.equal(columns.size, 1, help);
    assert.equal(
      alignHelp('  a  one\n  longer-term  two\n      continued'),
      '  a            one\n  longer-term  two\n      continued',
    );
  });
});
