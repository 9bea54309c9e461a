/**
 * A second, independent connection to the database under test, for checks that must not trust
 * the store: per-user row fingerprints (did a request change someone else's rows?) and integrity
 * counts (orphan vectors and waypoints, memories without vectors, links across users).
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface RawDb {
  all(query: string): Promise<Array<Record<string, unknown>>>;
  readonly tables: {
    memories: string;
    vectors: string;
    waypoints: string;
    users: string;
    apiKeys: string;
    schemaVersion: string;
    temporalFacts: string;
  };
  close(): Promise<void>;
}

export function openRawSqlite(file: string): RawDb {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    all: async (query) => db.prepare(query).all() as Array<Record<string, unknown>>,
    tables: {
      memories: 'memories',
      vectors: 'vectors',
      waypoints: 'waypoints',
      users: 'users',
      apiKeys: 'api_keys',
      schemaVersion: 'schema_version',
      temporalFacts: 'temporal_facts',
    },
    close: async () => void db.close(),
  };
}

export async function openRawPg(url: string, schema: string): Promise<RawDb> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t = (name: string) => `"${schema}"."${name}"`;
  return {
    all: async (query) => (await client.query(query)).rows,
    tables: {
      memories: t('openmemory_memories'),
      vectors: t('openmemory_vectors'),
      waypoints: t('openmemory_waypoints'),
      users: t('openmemory_users'),
      apiKeys: t('openmemory_api_keys'),
      schemaVersion: t('schema_version'),
      temporalFacts: t('openmemory_temporal_facts'),
    },
    close: () => client.end(),
  };
}

/** A SQL string literal (standard quoting, valid on SQLite and PostgreSQL). */
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

function canonical(row: Record<string, unknown>): string {
  const keys = Object.keys(row).sort();
  return JSON.stringify(
    keys.map((k) => {
      const v = row[k];
      if (Buffer.isBuffer(v)) return v.toString('hex');
      if (v instanceof Date) return v.getTime();
      if (typeof v === 'bigint') return v.toString();
      // pg returns bigint columns as text and SQLite as numbers: compare them as text.
      return v === null || v === undefined ? null : String(v);
    }),
  );
}

/**
 * One fingerprint per (user, table) over every row of the named users (`null` = default user):
 * memories, vectors, waypoints, temporal facts and the users row. Two equal fingerprints mean nothing of that
 * user changed.
 */
export async function userFingerprints(db: RawDb, users: ReadonlyArray<string | null>): Promise<Map<string, string>> {
  const named = users.filter((u): u is string => u !== null);
  const list = named.map(literal).join(',');
  const withDefault = users.includes(null);
  const where = (col: string, defaultKey: string) =>
    [named.length ? `${col} IN (${list})` : null, withDefault ? defaultKey : null].filter(Boolean).join(' OR ') ||
    'FALSE';
  const out = new Map<string, string[]>();
  const take = (table: string, rows: Array<Record<string, unknown>>, keyOf: (r: Record<string, unknown>) => string) => {
    for (const r of rows) {
      const key = `${keyOf(r)}|${table}`;
      out.set(key, [...(out.get(key) ?? []), canonical(r)]);
    }
  };
  const byUserId = (r: Record<string, unknown>) => (r.user_id === null ? '' : String(r.user_id));
  const t = db.tables;
  for (const [name, table] of [
    ['memories', t.memories],
    ['vectors', t.vectors],
    ['waypoints', t.waypoints],
    ['temporalFacts', t.temporalFacts],
  ] as const) {
    take(name, await db.all(`SELECT * FROM ${table} WHERE ${where('user_id', 'user_id IS NULL')}`), byUserId);
  }
  take('users', await db.all(`SELECT * FROM ${t.users} WHERE ${where('user_id', "user_id = ''")}`), byUserId);
  const hashed = new Map<string, string>();
  for (const [key, rows] of out) hashed.set(key, createHash('sha256').update(rows.sort().join('\n')).digest('hex'));
  return hashed;
}

/** Keys whose fingerprint differs between two snapshots (added, removed or changed). */
export function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

export interface Integrity {
  memories: number;
  vectors: number;
  waypoints: number;
  memoriesWithoutVectors: number;
  orphanOrForeignVectors: number;
  orphanOrCrossUserWaypoints: number;
}

/** Counts of rows that would mean a half-written memory or a link across users. */
export async function integrity(db: RawDb): Promise<Integrity> {
  const t = db.tables;
  const count = async (q: string) => Number((await db.all(q))[0]!.n);
  return {
    memories: await count(`SELECT count(*) AS n FROM ${t.memories}`),
    vectors: await count(`SELECT count(*) AS n FROM ${t.vectors}`),
    waypoints: await count(`SELECT count(*) AS n FROM ${t.waypoints}`),
    memoriesWithoutVectors: await count(
      `SELECT count(*) AS n FROM ${t.memories} m WHERE NOT EXISTS (SELECT 1 FROM ${t.vectors} v WHERE v.id = m.id)`,
    ),
    orphanOrForeignVectors: await count(
      `SELECT count(*) AS n FROM ${t.vectors} v LEFT JOIN ${t.memories} m ON m.id = v.id
       WHERE m.id IS NULL OR m.user_id IS DISTINCT FROM v.user_id`,
    ),
    orphanOrCrossUserWaypoints: await count(
      `SELECT count(*) AS n FROM ${t.waypoints} w
       LEFT JOIN ${t.memories} a ON CAST(a.id AS text) = w.src_id
       LEFT JOIN ${t.memories} b ON CAST(b.id AS text) = w.dst_id
       WHERE a.id IS NULL OR b.id IS NULL OR a.user_id IS DISTINCT FROM w.user_id OR b.user_id IS DISTINCT FROM w.user_id`,
    ),
  };
}

/**
 * One fingerprint of everything a request could change: all memories, vectors, waypoints, users
 * and API keys (without `last_used_at`, which authentication touches by design).
 */
export async function databaseFingerprint(db: RawDb): Promise<string> {
  const t = db.tables;
  const hash = createHash('sha256');
  for (const table of [t.memories, t.vectors, t.waypoints, t.users, t.apiKeys]) {
    const rows = (await db.all(`SELECT * FROM ${table}`)).map((r) => canonical({ ...r, last_used_at: null }));
    hash.update(`${table}\n${rows.sort().join('\n')}\n`);
  }
  return hash.digest('hex');
}
