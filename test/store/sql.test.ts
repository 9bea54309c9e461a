import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numbered } from '../../src/store/postgres/driver.js';
import { DEFAULT_SCOPE, userScope } from '../../src/store/scope.js';
import { chunks, count, ident, inScope, join, list, raw, sql } from '../../src/store/sql.js';

describe('sql fragments', () => {
  it('binds values and inlines only raw text and nested fragments', () => {
    const s = sql`SELECT * FROM ${raw('"t"')} WHERE a = ${1} AND ${sql`b IN ${list(['x', 'y'])}`} AND c = ${undefined}`;
    assert.equal(s.text, 'SELECT * FROM "t" WHERE a = ? AND b IN (?, ?) AND c = ?');
    assert.deepEqual(s.params, [1, 'x', 'y', null]);
    assert.deepEqual(join([sql`a = ${1}`, sql`b = ${2}`], ' AND '), { text: 'a = ? AND b = ?', params: [1, 2] });
  });

  it('scopes the default user with IS NULL and a named user with a bound value', () => {
    assert.deepEqual(inScope(DEFAULT_SCOPE), { text: 'user_id IS NULL', params: [] });
    assert.deepEqual(inScope(userScope("o'brien"), 's.user_id'), { text: 's.user_id = ?', params: ["o'brien"] });
    assert.deepEqual(inScope(userScope('')), { text: 'user_id IS NULL', params: [] });
  });

  it('renumbers placeholders for PostgreSQL', () => {
    assert.equal(numbered('a = ? AND b IN (?, ?)'), 'a = $1 AND b IN ($2, $3)');
  });

  it('splits, clamps and quotes', () => {
    assert.deepEqual(chunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual([count(3.7), count(-1), count(Number.NaN), count(Infinity)], [3, 0, 0, 0]);
    assert.equal(ident('my schema', 'ta"ble'), '"my schema"."ta""ble"');
  });
});
