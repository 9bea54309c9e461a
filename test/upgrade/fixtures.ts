/**
 * The upstream databases in ../shared/fixtures (read-only): where they are, their manifests,
 * and private copies for a test to upgrade.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared/fixtures` beside the repository this clone was made from (a clean clone may live elsewhere). */
function besideOrigin(): string | undefined {
  try {
    const url = execFileSync('git', ['-C', repoRoot, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const local = url.replace(/^file:\/\//, '');
    return path.isAbsolute(local) ? path.resolve(local, '../shared/fixtures') : undefined;
  } catch {
    return undefined;
  }
}

/** OM_FIXTURES_DIR, else `../shared/fixtures` beside this checkout or beside its origin. Missing fixtures fail the tests. */
function findFixtures(): string {
  const candidates = [process.env.OM_FIXTURES_DIR, path.resolve(repoRoot, '../shared/fixtures'), besideOrigin()].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`the upstream fixtures are missing (looked in ${candidates.join(', ')}); set OM_FIXTURES_DIR`);
  return found;
}

export const fixturesDir = findFixtures();

export interface ManifestMemory {
  id: string;
  content_sha256: string;
  user_id: string | null;
}

export interface ManifestFile {
  env: Record<string, string>;
  memories: ManifestMemory[];
  pg_schema?: string;
  memories_table?: string;
  vectors_table?: string;
}

/** Copies a SQLite fixture into `dir` together with its `-wal`, as an operator's file would sit. */
export function copySqliteFixture(set: string, file: string, dir: string): string {
  const source = fixturePath(set, file);
  const target = path.join(dir, file);
  copyFileSync(source, target);
  if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${target}-wal`);
  return target;
}

export interface Fixture {
  set: string;
  file: string;
  engine: 'sqlite' | 'postgresql';
  /** PostgreSQL only: where the dump creates its tables. */
  schema: string;
  memoriesTable: string;
  vectorsTable: string;
  manifest: ManifestFile;
}

/** Every database of every fixture set (new sets beside the known ones are picked up too). */
export function allFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const set of readdirSync(fixturesDir).sort()) {
    if (!existsSync(path.join(fixturesDir, set, 'manifest.json'))) continue;
    const manifest = JSON.parse(readFileSync(path.join(fixturesDir, set, 'manifest.json'), 'utf8')) as {
      files: Record<string, ManifestFile & { engine: 'sqlite' | 'postgresql' }>;
    };
    for (const [file, m] of Object.entries(manifest.files)) {
      out.push({
        set,
        file,
        engine: m.engine,
        schema: m.pg_schema ?? 'public',
        memoriesTable: m.memories_table ?? 'openmemory_memories',
        vectorsTable: m.vectors_table ?? 'openmemory_vectors',
        manifest: m,
      });
    }
  }
  return out;
}

export function fixturePath(set: string, file: string): string {
  return path.join(fixturesDir, set, file);
}
