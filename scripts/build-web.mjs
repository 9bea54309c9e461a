#!/usr/bin/env node
// Builds the dashboard into dist/interfaces/web/assets: the client (src/interfaces/web/client)
// bundled and minified by esbuild into one script, beside the page and its stylesheet.
// Prints the bundle's size.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'src/interfaces/web');
const out = path.join(root, 'dist/interfaces/web/assets');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [path.join(src, 'client/main.ts')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
});
for (const name of ['index.html', 'app.css']) copyFileSync(path.join(src, 'assets', name), path.join(out, name));
const sizes = ['app.js', 'app.css', 'index.html'].map((name) => {
  const file = path.join(out, name);
  return `${name} ${statSync(file).size} B (${gzipSync(readFileSync(file)).length} B gzipped)`;
});
console.log(`dashboard: ${sizes.join(', ')}`);
