/**
 * A write with `lazyFlush` commits without waiting for PostgreSQL's WAL flush, inside its own
 * transaction only: the pooled connection goes back with the server's setting untouched.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Op } from '../../src/store/driver.js';
import { PostgresDriver } from '../../src/store/postgres/driver.js';
import { sql } from '../../src/store/sql.js';
import { testPgUrl } from '../helpers/pg.js';

function* setting(): Op<string> {
  const { rows } = yield sql`SELECT current_setting('synchronous_commit') AS v`;
  return String(rows[0]!.v);
}

test('PostgreSQL: lazyFlush writes commit with synchronous_commit off, other writes and reads as configured', async () => {
  // One connection, so every call below runs on the connection the lazy write used.
  const driver = new PostgresDriver(PostgresDriver.pool({ connectionString: testPgUrl(), max: 1 }));
  try {
    const configured = await driver.read(setting());
    assert.notEqual(configured, 'off', 'the test server flushes commits');
    assert.equal(await driver.write(setting(), { lazyFlush: true }), 'off');
    assert.equal(await driver.write(setting()), configured);
    assert.equal(await driver.read(setting()), configured);
    await assert.rejects(
      driver.write(
        (function* () {
          yield sql`SELECT 1`;
          throw new Error('boom');
        })(),
        { lazyFlush: true },
      ),
    );
    assert.equal(await driver.read(setting()), configured, 'a rolled-back lazy write leaves nothing behind');
  } finally {
    await driver.close();
  }
});
