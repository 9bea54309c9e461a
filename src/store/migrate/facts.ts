/** The introspected shape of a database, as migration steps see it. */
import type { LogicalTable } from './types.js';

export interface TableShape {
  /** Column name → declared type (lower case). */
  columns: Map<string, string>;
  /** Primary-key columns in key order. */
  primaryKey: string[];
  /** SQLite: a table stored in its primary-key index (`WITHOUT ROWID`). */
  withoutRowid?: boolean;
}

export interface SchemaShape {
  /** Physical table name → shape (regular and virtual tables). */
  tables: Map<string, TableShape>;
  indexes: Set<string>;
  /** Index name → the table it is on (a name alone does not say whose it is: upstream's leftovers took some of ours). */
  indexTables: Map<string, string>;
  triggers: Set<string>;
  /** Rows of `schema_version`, if the table exists. */
  versions: string[];
}

export class SchemaFacts {
  constructor(
    readonly shape: SchemaShape,
    private readonly names: Readonly<Record<LogicalTable, string>>,
  ) {}

  table(t: LogicalTable): TableShape | undefined {
    return this.shape.tables.get(this.names[t]);
  }
  has(t: LogicalTable): boolean {
    return this.table(t) !== undefined;
  }
  hasColumn(t: LogicalTable, column: string): boolean {
    return this.table(t)?.columns.has(column) ?? false;
  }
  primaryKey(t: LogicalTable): string[] {
    return this.table(t)?.primaryKey ?? [];
  }
  isWithoutRowid(t: LogicalTable): boolean {
    return this.table(t)?.withoutRowid ?? false;
  }
  hasTable(physical: string): boolean {
    return this.shape.tables.has(physical);
  }
  hasIndex(name: string): boolean {
    return this.shape.indexes.has(name);
  }
  /** The index exists and is on logical table `t`. */
  hasIndexOn(name: string, t: LogicalTable): boolean {
    return this.shape.indexTables.get(name) === this.names[t];
  }
  hasTrigger(name: string): boolean {
    return this.shape.triggers.has(name);
  }
  get versions(): readonly string[] {
    return this.shape.versions;
  }
  /** No table at all: a fresh install. */
  get isEmpty(): boolean {
    return this.shape.tables.size === 0;
  }
  get hasOpenMemoryTable(): boolean {
    return Object.values(this.names).some((n) => this.shape.tables.has(n));
  }
}
