/** The embedded SDK is a library: it prints nothing on a fresh database unless OM_LOG_LEVEL asks. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { tmpDir } from '../helpers/tmp.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

test('first use of the embedded Memory on a new database writes nothing to stderr or stdout', () => {
  const tmp = tmpDir();
  try {
    const script = `import { Memory } from './src/sdk/index.js';
const mem = new Memory({ path: ${JSON.stringify(path.join(tmp.dir, 'quiet.sqlite'))} });
await mem.add('User prefers dark mode', { user_id: 'u1' });
await mem.search('theme?', { user_id: 'u1' });
await mem.close();`;
    const { OM_LOG_LEVEL: _, ...env } = process.env;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, '');
  } finally {
    tmp.cleanup();
  }
});
