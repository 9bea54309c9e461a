/**
 * Files that hold users' memories (the SQLite database and its -wal/-shm, backups, exports) are
 * for their owner alone: 0600, directories we create 0700, whatever the umask (the mode is set
 * again after creating, since the umask only ever takes bits away from what `open` asks).
 */
import { chmodSync, closeSync, fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Creates `dir` and any missing parents, the created ones owner-only; existing ones keep their mode. */
export function makePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (first === undefined) return;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chmodSync(d, DIR_MODE);
    if (d === path.resolve(first)) return;
  }
}

/**
 * Creates `file` empty and owner-only when it does not exist, so that SQLite, which gives its
 * -wal and -shm files the mode of the database file, creates those owner-only too. An existing
 * file keeps the mode its owner chose.
 */
export function createPrivateFile(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
  try {
    fchmodSync(fd, FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/** Opens `file` for writing from the start, owner-only (a device such as /dev/null is left as it is). */
export function openPrivateForWriting(file: string): number {
  const fd = openSync(file, 'w', FILE_MODE);
  try {
    if (fstatSync(fd).isFile()) fchmodSync(fd, FILE_MODE);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}
