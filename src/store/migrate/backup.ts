/**
 * A consistent copy of a SQLite database before an upgrade touches it.
 *
 * It goes through SQLite's online backup API on the store's own connection, so pages that still
 * live in the `-wal` file are included (upstream ran with a huge autocheckpoint: copying
 * only the main file loses data) and a concurrent writer cannot tear the copy.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { createPrivateFile } from '../private-files.js';

/** `<dir>/<name>.backup-<UTC timestamp>[-n].sqlite`, never an existing file. */
export function backupPathFor(dbPath: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const base = path.join(
    path.dirname(dbPath),
    `${path.basename(dbPath).replace(/\.sqlite3?$|\.db$/, '')}.backup-${stamp}`,
  );
  let candidate = `${base}.sqlite`;
  for (let n = 2; existsSync(candidate); n += 1) candidate = `${base}-${n}.sqlite`;
  return candidate;
}

/** Copies the database open on `db` (file `dbPath`, with its WAL) to a new file and returns that file's path. */
export async function backupSqlite(db: Database.Database, dbPath: string, now = new Date()): Promise<string> {
  const target = backupPathFor(dbPath, now);
  createPrivateFile(target);
  await db.backup(target);
  return target;
}
