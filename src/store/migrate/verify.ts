/**
 * Drift check: the schema of a database compared with what a fresh install of the same
 * configuration creates, plus the row counts and ownership invariants an upgrade must keep.
 */
import type { TableNames } from '../dialect.js';
import { raw, sameUser, sql } from '../sql.js';
import type { SchemaShape, TableShape } from './facts.js';
import { misplacedValues } from './repairs.js';
import type { MigrationContext } from './types.js';

export interface Drift {
  kind:
    | 'missing_table'
    | 'extra_table'
    | 'missing_column'
    | 'extra_column'
    | 'column_type'
    | 'primary_key'
    | 'storage'
    | 'missing_index'
    | 'extra_index'
    | 'index_table'
    | 'missing_trigger'
    | 'extra_trigger';
  object: string;
  expected?: string;
  actual?: string;
}

function compareNames(kind: 'index' | 'trigger', expected: Set<string>, actual: Set<string>): Drift[] {
  const out: Drift[] = [];
  for (const n of expected) if (!actual.has(n)) out.push({ kind: `missing_${kind}`, object: n });
  for (const n of actual) if (!expected.has(n)) out.push({ kind: `extra_${kind}`, object: n });
  return out;
}

/** Every difference between `actual` and `fresh` (empty: no drift). Column order is not compared: ALTER appends. */
export function schemaDrift(actual: SchemaShape, fresh: SchemaShape): Drift[] {
  const out: Drift[] = [];
  for (const [name, want] of fresh.tables) {
    const have = actual.tables.get(name);
    if (!have) {
      out.push({ kind: 'missing_table', object: name });
      continue;
    }
    for (const [col, type] of want.columns) {
      const got = have.columns.get(col);
      if (got === undefined) out.push({ kind: 'missing_column', object: `${name}.${col}`, expected: type });
      else if (got !== type) out.push({ kind: 'column_type', object: `${name}.${col}`, expected: type, actual: got });
    }
    for (const col of have.columns.keys()) {
      if (!want.columns.has(col)) out.push({ kind: 'extra_column', object: `${name}.${col}` });
    }
    if (want.primaryKey.join(',') !== have.primaryKey.join(',')) {
      out.push({
        kind: 'primary_key',
        object: name,
        expected: want.primaryKey.join(','),
        actual: have.primaryKey.join(','),
      });
    }
    const storage = (t: TableShape) => (t.withoutRowid ? 'without rowid' : 'rowid');
    if (storage(want) !== storage(have))
      out.push({ kind: 'storage', object: name, expected: storage(want), actual: storage(have) });
  }
  for (const name of actual.tables.keys()) if (!fresh.tables.has(name)) out.push({ kind: 'extra_table', object: name });
  // An index of ours by name on another table (upstream's leftover `stats` took two names on PostgreSQL) is no index of ours.
  for (const [name, table] of fresh.indexTables) {
    const on = actual.indexTables.get(name);
    if (on !== undefined && on !== table) out.push({ kind: 'index_table', object: name, expected: table, actual: on });
  }
  return [
    ...out,
    ...compareNames('index', fresh.indexes, actual.indexes),
    ...compareNames('trigger', fresh.triggers, actual.triggers),
  ];
}

export interface DataChecks {
  rows: Record<string, number>;
  /** Vectors / waypoints whose user differs from their (source) memory's: must be 0. */
  vectorsWithOtherUser: number;
  waypointsWithOtherUser: number;
  /** Vectors no embedder of ours wrote (model NULL): recall needs them re-embedded. */
  vectorsWithoutModel: number;
  /** Rows holding what upstream wrote into the wrong columns (./repairs.ts), by kind; information, not drift. */
  misplaced: Record<string, number>;
  /** Memories with no vector, which no similarity search finds (the first few ids, and how many). */
  withoutVectors: { count: number; ids: string[] };
}

const NAMED_WITHOUT_VECTORS = 20;

async function scalar(ctx: MigrationContext, text: string): Promise<number> {
  const { rows } = await ctx.run(sql`${raw(text)}`);
  return Number(rows[0]?.n ?? 0);
}

/** `idText`: a memory id as text, the way waypoints store it (a bare column on SQLite keeps its index usable). */
export async function dataChecks(
  ctx: MigrationContext,
  t: TableNames,
  facts: SchemaShape,
  names: Readonly<Record<keyof TableNames, string>>,
  idText: (alias: string) => string,
  storedType: ((column: string) => string) | null,
): Promise<DataChecks> {
  const rows: Record<string, number> = {};
  for (const key of Object.keys(t) as Array<keyof TableNames>) {
    if (facts.tables.has(names[key])) rows[key] = await scalar(ctx, `SELECT COUNT(*) AS n FROM ${t[key]}`);
  }
  const has = (table: 'vectors' | 'waypoints' | 'memories', column: string) =>
    facts.tables.get(names[table])?.columns.has(column) ?? false;
  // Without the column every row reads as the default user's, so those of a named user's memory are wrong.
  const owner = (alias: string) =>
    has(alias === 'v' ? 'vectors' : 'waypoints', 'user_id')
      ? `NOT ${sameUser(`${alias}.user_id`, 'm.user_id')}`
      : 'm.user_id IS NOT NULL';
  const memoriesOwned = has('memories', 'user_id');
  const misplaced: Record<string, number> = {};
  if (memoriesOwned && has('memories', 'version')) {
    for (const [what, where] of Object.entries(misplacedValues(storedType))) {
      const n = await scalar(ctx, `SELECT COUNT(*) AS n FROM ${t.memories} WHERE ${where}`);
      if (n > 0) misplaced[what] = n;
    }
  }
  // Upstream head's SQLite file keeps its vectors under another name until upgraded (drift says so).
  const vectorsHere = facts.tables.has(names.vectors);
  const vectorless = `FROM ${t.memories} m WHERE NOT EXISTS (SELECT 1 FROM ${t.vectors} v WHERE v.id = m.id)`;
  const { rows: named } = vectorsHere
    ? await ctx.run(sql`SELECT m.id AS id ${raw(vectorless)} ORDER BY m.id LIMIT ${NAMED_WITHOUT_VECTORS}`)
    : { rows: [] };
  return {
    misplaced,
    withoutVectors: {
      count: vectorsHere ? await scalar(ctx, `SELECT COUNT(*) AS n ${vectorless}`) : 0,
      ids: named.map((r) => String(r.id)),
    },
    rows,
    vectorsWithOtherUser:
      memoriesOwned && vectorsHere
        ? await scalar(
            ctx,
            `SELECT COUNT(*) AS n FROM ${t.vectors} v JOIN ${t.memories} m ON m.id = v.id WHERE ${owner('v')}`,
          )
        : 0,
    waypointsWithOtherUser: memoriesOwned
      ? await scalar(
          ctx,
          `SELECT COUNT(*) AS n FROM ${t.waypoints} w JOIN ${t.memories} m ON ${idText('m')} = w.src_id WHERE ${owner('w')}`,
        )
      : 0,
    vectorsWithoutModel: has('vectors', 'model')
      ? await scalar(ctx, `SELECT COUNT(*) AS n FROM ${t.vectors} WHERE model IS NULL`)
      : (rows.vectors ?? 0),
  };
}
