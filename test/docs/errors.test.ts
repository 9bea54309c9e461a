/**
 * The error catalogue is documented whole: docs/errors.md has one table row per code of
 * src/errors.ts with its status and meaning, and no other; the README lists every code with its status.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS } from '../../src/errors.js';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

test('docs/errors.md tables the whole catalogue, in its order', () => {
  const rows = read('docs/errors.md')
    .split('\n')
    .filter((l) => /^\| `\w+` \|/.test(l));
  const expected = Object.entries(ERRORS).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.meaning} |`);
  assert.deepEqual(rows, expected);
});

test('the README lists every code with its status', () => {
  const readme = read('README.md').replace(/\s+/g, ' ');
  for (const [code, { status }] of Object.entries(ERRORS)) assert.ok(readme.includes(`\`${code}\` (${status})`), code);
});
