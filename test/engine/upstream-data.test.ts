import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { userScope } from '../../src/store/scope.js';
import { tmpDir } from '../helpers/tmp.js';
import { fixturesDir } from '../upgrade/fixtures.js';

const fixture = path.join(fixturesDir, 'v1.2/openmemory-v1.2.sqlite');

test('the engine works on a database written by upstream v1.2: queries stay per user, NULL owner is the default user', async () => {
  const tmp = tmpDir();
  const db = path.join(tmp.dir, 'om.sqlite');
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(fixture + suffix)) copyFileSync(fixture + suffix, db + suffix);
  const memory = await Memory.open({ config: loadConfig({ OM_LOG_LEVEL: 'silent', OM_DB_PATH: db }), jobs: false });
  try {
    const grace = userScope('grace');
    const graceIds = new Set((await memory.list(grace, { limit: 1000 })).map((m) => m.id));
    assert.equal(graceIds.size, 40);
    const anyWords = 'the a meeting project coffee remember';
    const { matches } = await memory.query(grace, { query: anyWords, k: 50, reinforce: false });
    assert.ok(matches.length > 0);
    for (const m of matches) assert.ok(graceIds.has(m.id), 'only grace memories');
    const added = await memory.add(grace, { content: 'Grace moved her standup to 9:30 on Tuesdays' });
    const found = await memory.query(grace, { query: 'When is the standup of Grace?', k: 3 });
    assert.equal(found.matches[0]!.id, added.id);
    assert.equal(
      (await memory.list(userScope(null), { limit: 1000 })).length,
      56,
      'upstream rows without user are the default user',
    );
  } finally {
    await memory.close();
    tmp.cleanup();
  }
});
