/**
 * The SQLite adapter: a file opened with WAL and a generous busy timeout, never exclusively locked,
 * owner-only, with deleted content overwritten.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { backupSqlite } from '../migrate/backup.js';
import type { MigrationReport, MigrationTarget } from '../migrate/types.js';
import { upgradeAtomically } from '../migrate/upgrade.js';
import { createPrivateFile, makePrivateDir } from '../private-files.js';
import type { UserScope } from '../scope.js';
import { NO_RENAMES, type UpgradeSettings } from '../migrate/user-map.js';
import { SqlStore, type SqlStoreOptions } from '../sql-store.js';
import type { DeletedCounts } from '../store.js';
import { sqliteDialect } from './dialect.js';
import { isBusy, SqliteDriver } from './driver.js';
import { sqliteMigrationTarget } from './migrations.js';

export class SqliteStore extends SqlStore {
  constructor(
    private readonly sqlite: SqliteDriver,
    file: string,
    private readonly upgrade: UpgradeSettings,
    options?: SqlStoreOptions,
  ) {
    super(sqlite, sqliteDialect, file, options);
  }

  backup(): Promise<string> {
    return backupSqlite(this.sqlite.db, this.location);
  }

  migrationTarget(): MigrationTarget {
    return sqliteMigrationTarget(this.sqlite, this.upgrade);
  }

  async migrate(): Promise<MigrationReport> {
    return (await upgradeAtomically(this.migrationTarget())).report;
  }

  /**
   * With secure_delete the erased rows are zeros in the pages written since; the checkpoint moves
   * those pages into the database file and empties the -wal, which still held the rows as written.
   */
  override async deleteUserData(scope: UserScope): Promise<DeletedCounts> {
    const counts = await super.deleteUserData(scope);
    try {
      this.sqlite.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // The erase is committed; a checkpoint refused now (another process's lock) runs later on its own.
    }
    return counts;
  }
}

const WAL_SWITCH_WAIT_MS = 5000;

/**
 * Switching a file to WAL takes it alone for a moment; a second process opening a fresh file at
 * that instant gets SQLITE_BUSY without the busy timeout being applied, so it waits and retries
 * (the mode is stored in the file: once one process has switched, the others find it done).
 */
function useWal(db: Database.Database): void {
  const deadline = Date.now() + WAL_SWITCH_WAIT_MS;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if (!isBusy(e) || Date.now() > deadline) throw e;
      // Opening is synchronous (better-sqlite3): sleep without spinning.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

export function openSqliteStore(
  file: string,
  upgrade: UpgradeSettings = NO_RENAMES,
  options?: SqlStoreOptions,
): SqliteStore {
  makePrivateDir(path.dirname(file));
  createPrivateFile(file);
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  useWal(db);
  // Deleted and overwritten content is zeroed rather than left in free space (see docs/security.md).
  db.pragma('secure_delete = ON');
  db.pragma('synchronous = NORMAL');
  // v1.2 opened the file EXCLUSIVE, locking out the CLI and other processes; normal locking keeps it shareable.
  db.pragma('locking_mode = NORMAL');
  db.pragma('temp_store = MEMORY');
  // Checkpoint every ~40 MB of log instead of 4 MB: index pages rewritten meanwhile are copied
  // once (bulk ingest of one large user +8%); the log file is kept at most 64 MB.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma(`journal_size_limit = ${64 * 2 ** 20}`);
  return new SqliteStore(new SqliteDriver(db), file, upgrade, options);
}
