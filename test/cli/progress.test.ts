/**
 * Progress bars: drawn on stderr when it is a terminal, never on stdout, never off a terminal,
 * so `--json` output and exports piped to files stay clean. Driven in-process through `main()`
 * with an Io that claims (or not) a terminal.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { main, type Io } from '../../src/interfaces/cli/main.js';
import { tmpDir } from '../helpers/tmp.js';

interface Captured {
  io: Io;
  out: string[];
  err: string[];
  drawn: string[];
}

function capture(env: Record<string, string>, tty: boolean): Captured {
  const c: Captured = { out: [], err: [], drawn: [], io: undefined as unknown as Io };
  c.io = {
    env: { OM_LOG_LEVEL: 'silent', ...env },
    out: (l) => void c.out.push(l),
    err: (l) => void c.err.push(l),
    errIsTTY: tty,
    errInPlace: (t) => void c.drawn.push(t),
  };
  return c;
}

let tmp: ReturnType<typeof tmpDir>;
const db = (name: string) => ({ OM_DB_PATH: path.join(tmp.dir, `${name}.sqlite`) });

before(async () => {
  tmp = tmpDir('om-cli-progress-');
  for (const text of ['Pia sails on Sundays', 'Pia reads crime novels', 'Pia drinks oolong tea']) {
    assert.equal(await main(['add', text, '--user', 'pia'], capture(db('source'), false).io), 0);
  }
});
after(() => tmp.cleanup());

test('on a terminal export and import draw a bar on stderr; stdout holds only data', async () => {
  const exported = capture(db('source'), true);
  assert.equal(await main(['export'], exported.io), 0);
  assert.ok(exported.out.length >= 3);
  for (const line of exported.out) assert.equal(JSON.parse(line).user_id, 'pia');
  assert.match(exported.drawn.join(''), /export \[#+\] 3\/3/);

  const file = path.join(tmp.dir, 'dump.jsonl');
  const toFile = capture(db('source'), true);
  assert.equal(await main(['export', '-o', file], toFile.io), 0);
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, exported.out.length);

  const imported = capture(db('copy'), true);
  assert.equal(await main(['import', file, '--json'], imported.io), 0);
  const report = JSON.parse(imported.out.join('\n'));
  assert.equal(report.imported, 3);
  assert.equal(report.embedded, 3);
  assert.match(imported.drawn.join(''), /import \[#+\] 3\/3/);
});

test('off a terminal nothing is drawn', async () => {
  const c = capture(db('source'), false);
  assert.equal(await main(['export', '--json'], c.io), 0);
  assert.deepEqual(c.drawn, []);
  assert.deepEqual(c.err, []);
  assert.ok(c.out.length >= 3);
});
