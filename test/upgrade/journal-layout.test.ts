/**
 * Step 2.0.10 on a SQLite database of 2.0.9, whose change journal is a WITHOUT ROWID table: the
 * journal becomes a rowid table with every entry kept, so a server holding a model from before
 * the upgrade still catches up through it; the schema then matches a fresh install.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { verifyAgainstFreshInstall } from '../../src/store/migrate/verify-install.js';
import { openBackend } from '../../src/store/open.js';
import { introspectSqlite } from '../../src/store/sqlite/introspect.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS } from '../contract/backends.js';
import { item, vec } from '../contract/data.js';

const USERS = [userScope('ann'), userScope(null), userScope('ünï 漢字')];
const sqlite = BACKENDS.find((b) => b.name === 'sqlite')!;

describe('step 2.0.10 on a 2.0.9 SQLite database', () => {
  it('rebuilds the journal as a rowid table, keeping every entry', async () => {
    const blank = await sqlite.blank();
    const config = loadConfig(blank.env);
    try {
      const writer = openBackend(config);
      assert.equal((await writer.migrate()).status, 'ok');
      // Another server holds ann's model from before the upgrade.
      const reader = openBackend(config);
      await reader.migrate();
      await reader.view(USERS[0]!);
      for (const u of USERS) {
        for (let i = 0; i < 3; i++)
          await writer.insertMemories(u, [
            item({ content: `note ${i} of ${u.userId ?? 'default'}` }, [vec('semantic', [1, i, 0, 0])]),
          ]);
      }
      await writer.close();
      const journalSql = async () =>
        String((await blank.run(`SELECT sql FROM sqlite_master WHERE name = 'user_journal'`))[0]?.sql);
      const entries = async () =>
        blank.run('SELECT user_key, epoch, changes FROM user_journal ORDER BY user_key, epoch');
      const before = await entries();
      assert.equal(before.length, 9);
      // The 2.0.9 layout, with the entries written so far.
      for (const s of [
        'CREATE TABLE old_journal(user_key text not null, epoch integer not null, changes text not null, primary key(user_key, epoch)) WITHOUT ROWID',
        'INSERT INTO old_journal SELECT * FROM user_journal',
        'DROP TABLE user_journal',
        'ALTER TABLE old_journal RENAME TO user_journal',
        `DELETE FROM schema_version WHERE version = '2.0.10'`,
      ]) {
        await blank.run(s);
      }
      assert.match(await journalSql(), /WITHOUT ROWID$/);

      const store = openBackend(config);
      try {
        const report = await store.migrate();
        assert.deepEqual(
          report.steps.filter((s) => s.status === 'applied').map((s) => s.version),
          ['2.0.10'],
        );
        assert.deepEqual((await verifyAgainstFreshInstall(config, store)).drift, [], 'same schema as a fresh install');
        assert.doesNotMatch(await journalSql(), /WITHOUT ROWID/i);
        assert.deepEqual(await entries(), before);
        // Journaled writes go on from where the entries left off, and the older model catches up.
        await store.insertMemories(USERS[0]!, [
          item({ content: 'after the upgrade' }, [vec('semantic', [0, 1, 0, 0])]),
        ]);
        assert.equal((await entries()).length, 10);
        const caughtUp = await reader.view(USERS[0]!);
        assert.equal(caughtUp.size, 4);
        for (const u of USERS.slice(1)) assert.equal((await store.view(u)).size, 3);
      } finally {
        await store.close();
        await reader.close();
      }
    } finally {
      await blank.cleanup();
    }
  });
});

it("reads a SQLite table's storage from its options, in any order, and not from a column default", () => {
  const db = new Database(':memory:');
  try {
    db.exec(`CREATE TABLE a(k text, primary key(k)) WITHOUT ROWID;
      CREATE TABLE b(k text, primary key(k)) WITHOUT ROWID, STRICT;
      CREATE TABLE c(k text, primary key(k)) STRICT, without  rowid;
      CREATE TABLE d(k text default 'without rowid', primary key(k))`);
    const { tables } = introspectSqlite(db);
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((t) => tables.get(t)?.withoutRowid),
      [true, true, true, false],
    );
  } finally {
    db.close();
  }
});
