/** The SQLite adapter: a file opened with WAL and a generous busy timeout, never exclusively locked. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { backupSqlite } from '../migrate/backup.js';
import type { MigrationReport, MigrationTarget } from '../migrate/types.js';
import { upgradeAtomically } from '../migrate/upgrade.js';
import { SqlStore } from '../sql-store.js';
import { sqliteDialect } from './dialect.js';
import { SqliteDriver } from './driver.js';
import { sqliteMigrationTarget } from './migrations.js';

export class SqliteStore extends SqlStore {
  constructor(private readonly sqlite: SqliteDriver, file: string) {
    super(sqlite, sqliteDialect, file);
  }

  backup(): Promise<string> {
    return backupSqlite(this.sqlite.db, this.location);
  }

  migrationTarget(): MigrationTarget {
    return sqliteMigrationTarget(this.sqlite);
  }

  async migrate(): Promise<MigrationReport> {
    return (await upgradeAtomically(this.migrationTarget())).report;
  }
}

export function openSqliteStore(file: string): SqliteStore {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  // v1.2 opened the file EXCLUSIVE, locking out the CLI and other processes; normal locking keeps it shareable.
  db.pragma('locking_mode = NORMAL');
  db.pragma('temp_store = MEMORY');
  return new SqliteStore(new SqliteDriver(db), file);
}
