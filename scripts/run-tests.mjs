#!/usr/bin/env node
// Runs every test with Node's test runner. PostgreSQL comes from OM_TEST_PG_URL when set;
// otherwise an embedded PostgreSQL is started for the run, so `npm test` needs no setup anywhere.
// PostgreSQL tests never skip.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-pg.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out.sort();
}

const args = process.argv.slice(2);
const files =
  args.length > 0
    ? args.flatMap((a) => (statSync(a).isDirectory() ? findTests(a) : [a]))
    : findTests(path.join(root, 'test'));

let embedded = null;
const env = { ...process.env };
if (!env.OM_TEST_PG_URL) {
  embedded = await startEmbeddedPostgres();
  env.OM_TEST_PG_URL = embedded.url;
  console.log(`# embedded PostgreSQL at ${embedded.url}`);
}

const concurrency = Number(env.OM_TEST_CONCURRENCY ?? Math.max(2, os.availableParallelism()));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env, cwd: root },
);
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
if (embedded) await embedded.stop();
process.exit(code);
