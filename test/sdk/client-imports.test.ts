/**
 * The remote client entry (`openmemory/client` → dist/sdk/client.js) must load no server,
 * database or native code: its built import graph is walked file by file, and the entry is
 * loaded alone in a child process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = path.join(repoRoot, 'dist/sdk/client.js');
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importGraph(start: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [start];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) todo.push(path.resolve(path.dirname(file), spec));
      else packages.add(spec);
    }
  }
  return { files: [...files].map((f) => path.relative(repoRoot, f)), packages: [...packages] };
}

test('dist/sdk/client.js imports only its own small modules', () => {
  assert.ok(existsSync(entry), 'build first (npm test does)');
  const { files, packages } = importGraph(entry);
  assert.deepEqual(packages, [], `client entry pulls packages: ${packages.join(', ')}`);
  assert.deepEqual(files.sort(), ['dist/errors.js', 'dist/interfaces/default-user.js', 'dist/sdk/client.js']);
});

test('the walk does see packages (the full SDK entry pulls the engine)', () => {
  const { packages } = importGraph(path.join(repoRoot, 'dist/sdk/index.js'));
  assert.ok(packages.includes('better-sqlite3') && packages.includes('pg'), packages.join(', '));
});

test('the client entry loads and works alone in a fresh process', () => {
  const script = `import { MemoryClient } from ${JSON.stringify(entry)};
const c = new MemoryClient({ url: 'http://127.0.0.1:1/' });
process.stdout.write(c.url);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(out, 'http://127.0.0.1:1');
});
