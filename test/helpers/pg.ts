/**
 * PostgreSQL for tests: the server named by OM_TEST_PG_URL (scripts/run-tests.mjs sets it,
 * starting an embedded PostgreSQL when needed). Each test gets its own schema or database.
 * A missing server is a failure, never a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function testPgUrl(): string {
  const url = process.env.OM_TEST_PG_URL;
  if (!url) throw new Error('OM_TEST_PG_URL is not set: run the tests with `npm test` (it provides PostgreSQL)');
  return url;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPgUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new empty schema in the test database; `drop()` removes it with everything in it. */
export async function freshPgSchema(prefix = 't'): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = uniqueName(prefix);
  await withAdmin((c) => c.query(`CREATE SCHEMA "${schema}"`));
  return {
    url: testPgUrl(),
    schema,
    drop: () => withAdmin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => undefined),
  };
}

/** A new empty database on the test server (for restoring dumps that name `public`). */
export async function freshPgDatabase(
  prefix = 'tdb',
): Promise<{ url: string; database: string; drop: () => Promise<void> }> {
  const database = uniqueName(prefix);
  await withAdmin((c) => c.query(`CREATE DATABASE "${database}"`));
  const u = new URL(testPgUrl());
  u.pathname = `/${database}`;
  return {
    url: u.toString(),
    database,
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).then(() => undefined),
  };
}
