/**
 * Step 2.0.9 on a database of the previous release (2.0.8): its full-text index and vector epochs
 * with their triggers go, the user journal comes, nothing else changes; the schema then matches
 * a fresh install and every user's memories are searched in process, per user.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { termTokens } from '../../src/core/tokens.js';
import { verifyAgainstFreshInstall } from '../../src/store/migrate/verify-install.js';
import { openBackend } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, type BlankDatabase } from '../contract/backends.js';
import { item, vec } from '../contract/data.js';

const USERS = [userScope('ann'), userScope('bob'), userScope(null), userScope('ünï 漢字')];

/** The 2.0.8 layout of the objects 2.0.9 replaces, exactly as that release created them. */
function release208(b: BlankDatabase, sqlite: boolean): string[] {
  if (sqlite) {
    const owner = (row: string) =>
      `CASE WHEN ${row}.user_id IS NULL THEN 'unone' ELSE 'u' || lower(hex(${row}.user_id)) END`;
    const index = (row: string) =>
      `INSERT INTO memories_search(rowid, content, id, user_id, owner) VALUES (${row}.rowid, ${row}.content, ${row}.id, ${row}.user_id, ${owner(row)});`;
    const bump = (row: string) =>
      `INSERT INTO vector_epochs(user_key, epoch) VALUES (coalesce(${row}.user_id, ''), 1) ON CONFLICT(user_key) DO UPDATE SET epoch = epoch + 1;`;
    return [
      `CREATE VIRTUAL TABLE memories_search USING fts5(content, id UNINDEXED, user_id UNINDEXED, owner, tokenize = 'unicode61 remove_diacritics 2')`,
      `INSERT INTO memories_search(rowid, content, id, user_id, owner) SELECT rowid, content, id, user_id, ${owner('m')} FROM memories m`,
      `CREATE TRIGGER memories_search_ai AFTER INSERT ON memories BEGIN ${index('new')} END`,
      `CREATE TRIGGER memories_search_ad AFTER DELETE ON memories BEGIN DELETE FROM memories_search WHERE rowid = old.rowid; END`,
      `CREATE TRIGGER memories_search_au AFTER UPDATE OF content, user_id, id ON memories BEGIN DELETE FROM memories_search WHERE rowid = old.rowid; ${index('new')} END`,
      `CREATE VIRTUAL TABLE memories_search_vocab USING fts5vocab(memories_search, row)`,
      'CREATE TABLE vector_epochs(user_key text primary key, epoch integer not null)',
      `CREATE TRIGGER vector_epochs_ai AFTER INSERT ON vectors BEGIN ${bump('new')} END`,
      `CREATE TRIGGER vector_epochs_ad AFTER DELETE ON vectors BEGIN ${bump('old')} END`,
      `CREATE TRIGGER vector_epochs_au AFTER UPDATE ON vectors BEGIN ${bump('old')} ${bump('new')} END`,
      'DROP TABLE user_epochs',
      'DROP TABLE user_journal',
      `DELETE FROM schema_version WHERE version = '2.0.9'`,
    ];
  }
  const t = (name: string) => b.table(name);
  const [memories, vectors, versions] = [t(b.names.memories), t(b.names.vectors), t(b.names.schemaVersion)];
  const fn = t(`${b.names.vectors}_bump_epochs`);
  return [
    `ALTER TABLE ${memories} ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED`,
    `CREATE INDEX "${b.names.memories}_content_search_idx" ON ${memories} USING gin (content_tsv) WITH (fastupdate = off)`,
    `CREATE TABLE ${t('openmemory_vector_epochs')} (user_key text PRIMARY KEY, epoch bigint NOT NULL)`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      INSERT INTO ${t('openmemory_vector_epochs')} AS e (user_key, epoch) SELECT DISTINCT coalesce(user_id, ''), 1 FROM changed ORDER BY 1
      ON CONFLICT (user_key) DO UPDATE SET epoch = e.epoch + 1; RETURN NULL; END $$`,
    ...Object.entries({
      epoch_ins: ['INSERT', 'NEW'],
      epoch_del: ['DELETE', 'OLD'],
      epoch_upd_old: ['UPDATE', 'OLD'],
      epoch_upd_new: ['UPDATE', 'NEW'],
    }).map(
      ([name, [event, rows]]) =>
        `CREATE TRIGGER "${b.names.vectors}_${name}" AFTER ${event} ON ${vectors} REFERENCING ${rows} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    ),
    `DROP TABLE ${t(b.names.userEpochs)}`,
    `DROP TABLE ${t(b.names.userJournal)}`,
    `DELETE FROM ${versions} WHERE version = '2.0.9'`,
  ];
}

for (const backend of BACKENDS) {
  describe(`step 2.0.9 on a 2.0.8 database [${backend.name}]`, () => {
    it('replaces the full-text index and vector epochs by the journal, keeping every memory searchable per user', async () => {
      const blank = await backend.blank();
      const config = loadConfig(blank.env);
      try {
        let store = openBackend(config);
        assert.equal((await store.migrate()).status, 'ok');
        for (const u of USERS) {
          await store.insertMemories(u, [
            item({ content: `vault code kept by ${u.userId ?? 'default'}` }, [vec('semantic', [1, 0, 0, 0])]),
          ]);
        }
        await store.close();
        for (const s of release208(blank, config.backend === 'sqlite')) await blank.run(s);

        store = openBackend(config);
        try {
          const report = await store.migrate();
          // On SQLite, 2.0.10 then rebuilds the journal 2.0.9 made.
          const applied = config.backend === 'sqlite' ? ['2.0.9', '2.0.10'] : ['2.0.9'];
          assert.deepEqual(
            report.steps.filter((s) => s.status === 'applied').map((s) => s.version),
            applied,
          );
          const verify = await verifyAgainstFreshInstall(config, store);
          assert.deepEqual(verify.drift, [], 'same schema as a fresh install');
          const tables = await blank.tables();
          assert.ok(!tables.some((t) => /vector_epochs|memories_search/.test(t)), tables.join(', '));
          for (const u of USERS) {
            const view = await store.view(u);
            const hits = view.searchText(termTokens('vault code kept'), 10).map((h) => view.memory(h.id)?.content);
            assert.deepEqual(hits, [`vault code kept by ${u.userId ?? 'default'}`]);
            // Writes run without the dropped triggers and are journaled.
            await store.insertMemories(u, [item({ content: 'another one' }, [vec('semantic', [0, 1, 0, 0])])]);
            assert.equal((await store.view(u)).size, 2);
          }
        } finally {
          await store.close();
        }
      } finally {
        await blank.cleanup();
      }
    });
  });
}
