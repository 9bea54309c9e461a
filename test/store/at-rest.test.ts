/**
 * What a SQLite database leaves on disk: owner-only files and directories whatever the umask, and
 * no readable trace of an erased user in the database file or its -wal.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { userScope } from '../../src/store/scope.js';
import { item, vec } from '../contract/data.js';
import { tmpDir } from '../helpers/tmp.js';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('SQLite files at rest', () => {
  let tmp: ReturnType<typeof tmpDir>;
  let umask: number;
  before(() => {
    tmp = tmpDir('om-at-rest-');
    // The most permissive umask: whatever is owner-only below was made so on purpose.
    umask = process.umask(0);
  });
  after(() => {
    process.umask(umask);
    tmp.cleanup();
  });

  test('the database, its -wal and -shm, created directories and backups are owner-only', async () => {
    const file = path.join(tmp.dir, 'made', 'here', 'om.sqlite');
    const store = openSqliteStore(file);
    try {
      await store.migrate();
      await store.insertMemories(userScope('alice'), [item({ content: 'a memory' })]);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(f).toString(8), '600', f);
      for (const d of [path.dirname(file), path.dirname(path.dirname(file))])
        assert.equal(mode(d).toString(8), '700', d);
      assert.equal(mode(await store.backup()).toString(8), '600', 'backup');
    } finally {
      await store.close();
    }
    assert.equal(mode(tmp.dir).toString(8), '700', 'an existing directory keeps its mode (mkdtemp made it 0700)');
  });

  test('an erased user leaves no readable trace in the database file or its -wal', async () => {
    const file = path.join(tmp.dir, 'erase.sqlite');
    const store: SqliteStore = openSqliteStore(file);
    const bytes = () => Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    const marks = { short: 'quokka-sapphire-7731', long: 'marmot-obsidian-4410', bob: 'bob-keeps-this-9912' };
    try {
      await store.migrate();
      const long = `${'A page of notes. '.repeat(1200)}${marks.long}${' More notes.'.repeat(800)}`;
      await store.insertMemories(userScope('alice'), [
        item({ content: `Alice's locker code is ${marks.short}` }, [vec('semantic', [1, 0, 0, 0])]),
        item({ content: long, meta: { note: marks.short } }),
      ]);
      await store.saveUserSummary(userScope('alice'), `about ${marks.short}`, 1, 1);
      await store.insertMemories(userScope('bob'), [item({ content: `Bob's note ${marks.bob}` })]);
      const before = bytes();
      for (const m of Object.values(marks)) assert.ok(before.includes(m), `${m} is on disk before the erase`);
      await store.deleteUserData(userScope('alice'));
      const afterErase = bytes();
      assert.ok(!afterErase.includes(marks.short), 'the short memory, its metadata and the summary are gone');
      assert.ok(!afterErase.includes(marks.long), 'the long memory (overflow pages) is gone');
      assert.ok(afterErase.includes(marks.bob), "bob's memory is still there");
    } finally {
      await store.close();
    }
  });
});
