/** Reads the schema facts of one PostgreSQL schema (tables, columns, keys, indexes, triggers, versions). */
import type pg from 'pg';
import type { SchemaShape, TableShape } from '../migrate/facts.js';
import { ident } from '../sql.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function introspectPostgres(
  client: Queryable,
  schema: string,
  versionTable: string,
): Promise<SchemaShape> {
  const cols = await client.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const tables = new Map<string, TableShape>();
  for (const r of cols.rows) {
    const t = tables.get(r.table_name) ?? { columns: new Map(), primaryKey: [] };
    t.columns.set(r.column_name, r.data_type.toLowerCase());
    tables.set(r.table_name, t);
  }
  const keys = await client.query<{ table_name: string; column_name: string }>(
    `SELECT cl.relname AS table_name, a.attname AS column_name
     FROM pg_constraint con
     JOIN pg_class cl ON cl.oid = con.conrelid
     JOIN pg_namespace n ON n.oid = cl.relnamespace
     JOIN LATERAL unnest(con.conkey) WITH ORDINALITY k(attnum, ord) ON true
     JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum = k.attnum
     WHERE n.nspname = $1 AND con.contype = 'p' ORDER BY cl.relname, k.ord`,
    [schema],
  );
  for (const r of keys.rows) tables.get(r.table_name)?.primaryKey.push(r.column_name);
  const idx = await client.query<{ indexname: string; tablename: string }>(
    'SELECT indexname, tablename FROM pg_indexes WHERE schemaname = $1',
    [schema],
  );
  const versions = tables.has(versionTable)
    ? (await client.query<{ version: string }>(`SELECT version FROM ${ident(schema, versionTable)}`)).rows.map(
        (r) => r.version,
      )
    : [];
  const trg = await client.query<{ tgname: string }>(
    `SELECT tg.tgname FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND NOT tg.tgisinternal`,
    [schema],
  );
  return {
    tables,
    indexes: new Set(idx.rows.map((r) => r.indexname)),
    indexTables: new Map(idx.rows.map((r) => [r.indexname, r.tablename])),
    triggers: new Set(trg.rows.map((r) => r.tgname)),
    versions,
  };
}
