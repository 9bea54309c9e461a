import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { userScope } from '../../src/store/scope.js';
import { item } from '../contract/data.js';
import { freshPgSchema } from '../helpers/pg.js';

const quiet = { log: () => {} };

/** Full-text GIN indexes of the schema's memories table, with their storage options. */
async function ginIndexes(url: string, schema: string): Promise<Array<{ name: string; options: string[] | null }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT c.relname AS name, c.reloptions AS options FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_am am ON am.oid = c.relam WHERE n.nspname = $1 AND t.relname = 'openmemory_memories' AND am.amname = 'gin' ORDER BY 1`,
      [schema],
    );
    return rows as Array<{ name: string; options: string[] | null }>;
  } finally {
    await client.end();
  }
}

test('PostgreSQL 2.0.8 replaces a 2.0.7 full-text index by one without a pending list; fresh installs have it at once', async () => {
  const s = await freshPgSchema('ftdirect');
  const config = loadConfig({ OM_METADATA_BACKEND: 'postgres', OM_PG_URL: s.url, OM_PG_SCHEMA: s.schema, OM_LOG_LEVEL: 'silent' });
  const direct = [{ name: 'openmemory_memories_content_search_idx', options: ['fastupdate=off'] }];
  try {
    const [ann, bob] = [userScope('ann'), userScope('bob')];
    let store = await openStore(config, quiet);
    try {
      assert.deepEqual(await ginIndexes(s.url, s.schema), direct, 'fresh install');
      await store.insertMemories(ann, [item({ content: 'the spare key is under the blue flowerpot' })]);
      await store.insertMemories(bob, [item({ content: 'the spare key is with the neighbour' })]);
    } finally {
      await store.close();
    }

    // The index as 2.0.6 built it, as a 2.0.7 database has it.
    const client = new pg.Client({ connectionString: s.url });
    await client.connect();
    try {
      await client.query(`DROP INDEX "${s.schema}".openmemory_memories_content_search_idx;
        CREATE INDEX openmemory_memories_content_tsv_idx ON "${s.schema}".openmemory_memories USING gin (content_tsv);
        DELETE FROM "${s.schema}".schema_version WHERE version = '2.0.8'`);
    } finally {
      await client.end();
    }

    store = await openStore(config, quiet);
    try {
      assert.deepEqual(await ginIndexes(s.url, s.schema), direct, 'opening the store applied 2.0.8');
      const hits = await store.searchText(ann, 'flowerpot key', 10);
      assert.deepEqual((await store.getMemories(ann, hits.map((h) => h.id))).map((m) => m.content), ['the spare key is under the blue flowerpot']);
      assert.deepEqual(await store.searchText(bob, 'flowerpot', 10), []);
    } finally {
      await store.close();
    }
  } finally {
    await s.drop();
  }
});
