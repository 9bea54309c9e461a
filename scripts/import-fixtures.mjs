#!/usr/bin/env node
// Copies the upstream fixture databases into the repository, gzipped, so that a clone tests itself.
// New fixture sets arrive in ../shared/fixtures; run `node scripts/import-fixtures.mjs [DIR]` to take them in.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.resolve(process.argv[2] ?? path.join(root, '../shared/fixtures'));
const target = path.join(root, 'test/fixtures/upstream');

rmSync(target, { recursive: true, force: true });
let packed = 0;
for (const set of readdirSync(source).sort()) {
  if (!statSync(path.join(source, set)).isDirectory()) continue;
  mkdirSync(path.join(target, set), { recursive: true });
  for (const file of readdirSync(path.join(source, set)).sort()) {
    const data = readFileSync(path.join(source, set, file));
    // READMEs stay readable in the repository; everything else is stored gzipped.
    const [name, bytes] = file.endsWith('.md') ? [file, data] : [`${file}.gz`, gzipSync(data, { level: 9 })];
    writeFileSync(path.join(target, set, name), bytes);
    packed += bytes.length;
  }
}
console.log(`fixtures from ${source} -> test/fixtures/upstream (${(packed / 1e6).toFixed(1)} MB)`);
