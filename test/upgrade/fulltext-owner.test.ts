import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import { item } from '../contract/data.js';
import { tmpDir } from '../helpers/tmp.js';

const quiet = { log: () => {} };

test('SQLite 2.0.7 rebuilds a 2.0.6 full-text table with its owner column; search stays per user, the default user included', async () => {
  const { dir, cleanup } = tmpDir();
  const config = loadConfig({ OM_DB_PATH: path.join(dir, 'om.sqlite'), OM_LOG_LEVEL: 'silent' });
  try {
    const users = [userScope('ann'), userScope('bob'), userScope(null), userScope('ünï 漢字')];
    let store = await openStore(config, quiet);
    for (const u of users) await store.insertMemories(u, [item({ content: `vault code kept by ${u.userId ?? 'default'}` })]);
    await store.close();

    // The layout before 2.0.7, with its triggers, as a 2.0.6 database has it.
    const db = new Database(config.dbPath);
    db.exec(`DROP TABLE memories_search;
      CREATE VIRTUAL TABLE memories_search USING fts5(content, id UNINDEXED, user_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO memories_search(rowid, content, id, user_id) SELECT rowid, content, id, user_id FROM memories;
      DROP TRIGGER memories_search_ai;
      CREATE TRIGGER memories_search_ai AFTER INSERT ON memories BEGIN
        INSERT INTO memories_search(rowid, content, id, user_id) VALUES (new.rowid, new.content, new.id, new.user_id); END;
      DELETE FROM schema_version WHERE version = '2.0.7';`);
    db.close();

    store = await openStore(config, quiet);
    const check = new Database(config.dbPath, { readonly: true });
    const columns = (check.prepare('PRAGMA table_info(memories_search)').all() as Array<{ name: string }>).map((c) => c.name);
    check.close();
    assert.deepEqual(columns, ['content', 'id', 'user_id', 'owner'], 'opening the store applied 2.0.7');
    for (const u of users) {
      const hits = await store.searchText(u, 'vault code', 10);
      assert.equal(hits.length, 1, String(u.userId));
      assert.deepEqual((await store.getMemories(u, [hits[0]!.id])).map((m) => m.content), [`vault code kept by ${u.userId ?? 'default'}`]);
    }
    const later = item({ content: 'vault code added after the upgrade' });
    await store.insertMemories(users[1]!, [later]);
    assert.deepEqual((await store.searchText(users[1]!, 'upgrade', 10)).map((h) => h.id), [later.memory.id], 'the new triggers index new rows');
    assert.deepEqual(await store.searchText(users[0]!, 'upgrade', 10), []);
    await store.close();
  } finally {
    cleanup();
  }
});
