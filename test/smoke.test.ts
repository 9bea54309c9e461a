import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { testPgUrl } from './helpers/pg.js';

test('PostgreSQL for tests is reachable', async () => {
  const client = new pg.Client({ connectionString: testPgUrl() });
  await client.connect();
  const { rows } = await client.query('select 1 as one');
  await client.end();
  assert.equal(rows[0].one, 1);
});
