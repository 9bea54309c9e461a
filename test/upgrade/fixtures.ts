/**
 * The upstream databases (read-only): where they are, their manifests, and private copies for a
 * test to upgrade. The repository holds them gzipped in test/fixtures/upstream (refreshed from
 * ../shared/fixtures by scripts/import-fixtures.mjs); they are unpacked once per content into the
 * system's temporary folder, so concurrent test files share one copy.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const packed = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/upstream');

/** The packed fixtures unpacked under a name derived from their content: a changed fixture gets a fresh copy. */
function unpacked(): string {
  const sets = readdirSync(packed).sort();
  const hash = createHash('sha256');
  const files: [string, string][] = [];
  for (const set of sets) {
    for (const file of readdirSync(path.join(packed, set)).sort()) {
      const full = path.join(packed, set, file);
      hash.update(`${set}/${file}\0`).update(readFileSync(full));
      files.push([set, file]);
    }
  }
  const dir = path.join(os.tmpdir(), `openmemory-fixtures-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(dir)) return dir;
  const staging = mkdtempSync(`${dir}-`);
  for (const [set, file] of files) {
    mkdirSync(path.join(staging, set), { recursive: true });
    const data = readFileSync(path.join(packed, set, file));
    const name = file.endsWith('.gz') ? file.slice(0, -3) : file;
    writeFileSync(path.join(staging, set, name), file.endsWith('.gz') ? gunzipSync(data) : data);
  }
  try {
    renameSync(staging, dir);
  } catch (err) {
    // Another test process unpacked the same content first: use its copy.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  return dir;
}

/** OM_FIXTURES_DIR (unpacked sets, such as ../shared/fixtures) when set, else the repository's own. */
export const fixturesDir = process.env.OM_FIXTURES_DIR ?? unpacked();

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
