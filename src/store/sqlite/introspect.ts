/** Reads the schema facts of a SQLite database (tables, columns, keys, indexes, triggers, versions). */
import type Database from 'better-sqlite3';
import type { SchemaShape, TableShape } from '../migrate/facts.js';
import { ident } from '../sql.js';
import { SQLITE_NAMES } from './dialect.js';

interface ColumnInfo {
  name: string;
  type: string;
  pk: number;
}

export function introspectSqlite(db: Database.Database): SchemaShape {
  const objects = db
    .prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`)
    .all() as Array<{ type: string; name: string; tbl_name: string; sql: string | null }>;
  const tables = new Map<string, TableShape>();
  const indexes = new Set<string>();
  const indexTables = new Map<string, string>();
  const triggers = new Set<string>();
  for (const o of objects) {
    if (o.type === 'index') {
      indexes.add(o.name);
      indexTables.set(o.name, o.tbl_name);
    } else if (o.type === 'trigger') triggers.add(o.name);
    else if (o.type === 'table') {
      const cols = db.prepare(`PRAGMA table_info(${ident(o.name)})`).all() as ColumnInfo[];
      tables.set(o.name, {
        columns: new Map(cols.map((c) => [c.name, c.type.toLowerCase()])),
        primaryKey: cols
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        // Table options follow the column list's closing parenthesis, in any order (`WITHOUT ROWID, STRICT`).
        withoutRowid: /\bwithout\s+rowid\b/i.test((o.sql ?? '').slice((o.sql ?? '').lastIndexOf(')') + 1)),
      });
    }
  }
  // FTS5 shadow tables (`<name>_data`, …) belong to their virtual table, not to the user's schema.
  for (const name of [...tables.keys()]) {
    if (/_(data|idx|content|docsize|config)$/.test(name) && tables.has(name.replace(/_[a-z]+$/, '')))
      tables.delete(name);
  }
  const versions = tables.has(SQLITE_NAMES.schemaVersion)
    ? (db.prepare(`SELECT version FROM ${ident(SQLITE_NAMES.schemaVersion)}`).all() as Array<{ version: string }>).map(
        (r) => String(r.version),
      )
    : [];
  return { tables, indexes, indexTables, triggers, versions };
}
