/**
 * The upstream README's three lines, run as a script in a fresh process with only defaults:
 * a local SQLite database under the working directory, opened lazily by the first call.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tmpDir } from '../helpers/tmp.js';

const sdkEntry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/sdk/index.js');

test('new Memory(); add(text, { user_id }); search(query, { user_id })', () => {
  const tmp = tmpDir('om-readme-');
  try {
    const script = `import { Memory } from ${JSON.stringify(sdkEntry)};
const mem = new Memory();
await mem.add('User prefers dark mode in every editor', { user_id: 'u1' });
const r = await mem.search('which theme does the user like', { user_id: 'u1' });
const other = await mem.search('which theme does the user like', { user_id: 'u2' });
process.stdout.write(JSON.stringify({ mine: r.matches.map((m) => m.content), other: other.matches.length }));`;
    const env = { PATH: process.env.PATH ?? '', OM_LOG_LEVEL: 'warn' };
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmp.dir,
      env,
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(out), { mine: ['User prefers dark mode in every editor'], other: 0 });
    assert.ok(existsSync(path.join(tmp.dir, 'data/openmemory.sqlite')));
  } finally {
    tmp.cleanup();
  }
});
