/** SQLite DDL for the shared migration steps, and the runner's target (BEGIN IMMEDIATE = the lock). */
import type Database from 'better-sqlite3';
import { SchemaFacts } from '../migrate/facts.js';
import { sqliteLegacy } from '../migrate/legacy/dialect.js';
import { legacySteps } from '../migrate/legacy/steps.js';
import { buildSteps, type MigrationDdl } from '../migrate/steps.js';
import type { MigrationContext, MigrationTarget } from '../migrate/types.js';
import { raw, sql } from '../sql.js';
import { OWNER_TOKEN_SQL, SEARCH_TABLE, SEARCH_VOCAB, SQLITE_NAMES, sqliteDialect } from './dialect.js';
import type { SqliteDriver } from './driver.js';
import { introspectSqlite } from './introspect.js';

const V12_SCHEMA = [
  'CREATE TABLE IF NOT EXISTS memories(id text primary key,user_id text,segment integer default 0,content text not null,simhash text,primary_sector text not null,tags text,meta text,created_at integer,updated_at integer,last_seen_at integer,salience real,decay_lambda real,version integer default 1,mean_dim integer,mean_vec blob,compressed_vec blob,feedback_score real default 0)',
  'CREATE TABLE IF NOT EXISTS vectors(id text not null,sector text not null,user_id text,v blob not null,dim integer not null,primary key(id,sector))',
  'CREATE TABLE IF NOT EXISTS waypoints(src_id text,dst_id text not null,user_id text,weight real not null,created_at integer,updated_at integer,primary key(src_id,user_id))',
  'CREATE TABLE IF NOT EXISTS embed_logs(id text primary key,model text,status text,ts integer,err text)',
  'CREATE TABLE IF NOT EXISTS users(user_id text primary key,summary text,reflection_count integer default 0,created_at integer,updated_at integer)',
  'CREATE INDEX IF NOT EXISTS idx_memories_sector on memories(primary_sector)',
  'CREATE INDEX IF NOT EXISTS idx_memories_segment on memories(segment)',
  'CREATE INDEX IF NOT EXISTS idx_memories_simhash on memories(simhash)',
  'CREATE INDEX IF NOT EXISTS idx_memories_ts on memories(last_seen_at)',
  'CREATE INDEX IF NOT EXISTS idx_memories_user on memories(user_id)',
  'CREATE INDEX IF NOT EXISTS idx_vectors_user on vectors(user_id)',
];

const WAYPOINT_INDEXES = [
  'CREATE INDEX IF NOT EXISTS idx_waypoints_src on waypoints(src_id)',
  'CREATE INDEX IF NOT EXISTS idx_waypoints_dst on waypoints(dst_id)',
  'CREATE INDEX IF NOT EXISTS idx_waypoints_user on waypoints(user_id)',
];

/** v1.2 co-activation bound 5 values to 6 columns: the weight landed in user_id as text, a timestamp in weight. */
const SHIFTED = `(typeof(w.user_id) = 'text' AND w.user_id GLOB '[0-9]*' AND CAST(w.user_id AS REAL) BETWEEN 0 AND 1 AND NOT (w.user_id IS ms.user_id))`;

const indexRow = (row: string) =>
  `INSERT INTO ${SEARCH_TABLE}(rowid, content, id, user_id, owner) VALUES (${row}.rowid, ${row}.content, ${row}.id, ${row}.user_id, ${OWNER_TOKEN_SQL(row)});`;

const TRIGGERS = {
  memories_search_ai: `CREATE TRIGGER memories_search_ai AFTER INSERT ON memories BEGIN ${indexRow('new')} END`,
  memories_search_ad: `CREATE TRIGGER memories_search_ad AFTER DELETE ON memories BEGIN
    DELETE FROM ${SEARCH_TABLE} WHERE rowid = old.rowid; END`,
  memories_search_au: `CREATE TRIGGER memories_search_au AFTER UPDATE OF content, user_id, id ON memories BEGIN
    DELETE FROM ${SEARCH_TABLE} WHERE rowid = old.rowid; ${indexRow('new')} END`,
};

/** (Re)builds the full-text table in its current layout, with its triggers, from `memories`. */
async function createSearchTable(ctx: MigrationContext): Promise<void> {
  await ctx.exec(`DROP TABLE IF EXISTS ${SEARCH_TABLE}`);
  await ctx.exec(
    `CREATE VIRTUAL TABLE ${SEARCH_TABLE} USING fts5(content, id UNINDEXED, user_id UNINDEXED, owner, tokenize = 'unicode61 remove_diacritics 2')`,
  );
  for (const name of Object.keys(TRIGGERS)) await ctx.exec(`DROP TRIGGER IF EXISTS ${name}`);
  for (const t of Object.values(TRIGGERS)) await ctx.exec(t);
  const { changes } = await ctx.run(
    sql`INSERT INTO ${raw(SEARCH_TABLE)}(rowid, content, id, user_id, owner) SELECT rowid, content, id, user_id, ${raw(OWNER_TOKEN_SQL('m'))} FROM memories m`,
  );
  ctx.report('fulltext.indexed', changes);
}

// A user's epoch moves with every change to their vectors, in the writing transaction (any writer, any process).
const bumpEpoch = (row: 'new' | 'old') =>
  `INSERT INTO vector_epochs(user_key, epoch) VALUES (coalesce(${row}.user_id, ''), 1) ON CONFLICT(user_key) DO UPDATE SET epoch = epoch + 1;`;

const EPOCH_TRIGGERS = {
  vector_epochs_ai: `CREATE TRIGGER vector_epochs_ai AFTER INSERT ON vectors BEGIN ${bumpEpoch('new')} END`,
  vector_epochs_ad: `CREATE TRIGGER vector_epochs_ad AFTER DELETE ON vectors BEGIN ${bumpEpoch('old')} END`,
  vector_epochs_au: `CREATE TRIGGER vector_epochs_au AFTER UPDATE ON vectors BEGIN ${bumpEpoch('old')} ${bumpEpoch('new')} END`,
};

const ddl: MigrationDdl = {
  tables: sqliteDialect.tables,
  memoryIdText: (alias) => `${alias}.id`,
  async createV12(ctx) {
    for (const s of [...V12_SCHEMA, ...WAYPOINT_INDEXES]) await ctx.exec(s);
  },
  async replaceWaypoints(ctx, fill) {
    await ctx.exec('DROP TABLE IF EXISTS waypoints_next');
    await ctx.exec(
      'CREATE TABLE waypoints_next(src_id text not null,dst_id text not null,user_id text,weight real not null,created_at integer,updated_at integer,primary key(src_id,dst_id))',
    );
    const { changes } = await ctx.run(fill('waypoints_next'));
    await ctx.exec('DROP TABLE waypoints');
    await ctx.exec('ALTER TABLE waypoints_next RENAME TO waypoints');
    for (const s of WAYPOINT_INDEXES) await ctx.exec(s);
    return changes;
  },
  shiftedWaypoint: SHIFTED,
  waypointWeight: `CASE WHEN ${SHIFTED} AND w.weight > 1 THEN CAST(w.user_id AS REAL) ELSE w.weight END`,
  addVectorModel: 'ALTER TABLE vectors ADD COLUMN model text',
  perUserIndexes: [
    { name: 'idx_memories_user_created', sql: 'CREATE INDEX IF NOT EXISTS idx_memories_user_created on memories(user_id, created_at)' },
    { name: 'idx_memories_user_simhash', sql: 'CREATE INDEX IF NOT EXISTS idx_memories_user_simhash on memories(user_id, simhash)' },
    { name: 'idx_vectors_user_sector', sql: 'CREATE INDEX IF NOT EXISTS idx_vectors_user_sector on vectors(user_id, sector)' },
    { name: 'idx_waypoints_user', sql: 'CREATE INDEX IF NOT EXISTS idx_waypoints_user on waypoints(user_id)' },
    { name: 'idx_waypoints_dst', sql: 'CREATE INDEX IF NOT EXISTS idx_waypoints_dst on waypoints(dst_id)' },
  ],
  ownTables: [
    'CREATE TABLE IF NOT EXISTS stats(id integer primary key autoincrement,type text not null,count integer default 1,ts integer not null)',
    'CREATE INDEX IF NOT EXISTS idx_stats_ts on stats(ts)',
    'CREATE INDEX IF NOT EXISTS idx_stats_type on stats(type)',
    'CREATE TABLE IF NOT EXISTS api_keys(id text primary key,user_id text,role text not null,label text,key_hash text not null unique,created_at integer not null,revoked_at integer,last_used_at integer)',
  ],
  fullText: {
    isReady: (f) => f.hasTable(SEARCH_TABLE) && Object.keys(TRIGGERS).every((t) => f.hasTrigger(t)),
    create: createSearchTable,
  },
  fullTextByUser: {
    isReady: (f) => f.shape.tables.get(SEARCH_TABLE)?.columns.has('owner') ?? false,
    create: createSearchTable,
  },
  vectorEpochs: {
    isReady: (f) => f.has('vectorEpochs') && Object.keys(EPOCH_TRIGGERS).every((t) => f.hasTrigger(t)),
    async create(ctx) {
      await ctx.exec('CREATE TABLE IF NOT EXISTS vector_epochs(user_key text primary key, epoch integer not null)');
      for (const [name, text] of Object.entries(EPOCH_TRIGGERS)) {
        await ctx.exec(`DROP TRIGGER IF EXISTS ${name}`);
        await ctx.exec(text);
      }
    },
  },
  // FTS5 merges its segments as it writes: nothing queues up for searches to scan.
  fullTextDirect: { isReady: () => true, create: async () => {} },
  fullTextRanking: {
    isReady: (f) => f.hasTable(SEARCH_VOCAB),
    create: (ctx) => ctx.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${SEARCH_VOCAB} USING fts5vocab(${SEARCH_TABLE}, row)`),
  },
};

export function sqliteMigrationTarget(driver: SqliteDriver): MigrationTarget {
  const db: Database.Database = driver.db;
  const ctx: MigrationContext = {
    exec: async (text) => void db.exec(text),
    run: async (stmt) => driver.exec(stmt),
    introspect: async () => new SchemaFacts(introspectSqlite(db), SQLITE_NAMES),
    report: () => {},
  };
  return {
    steps: [...legacySteps(sqliteLegacy(sqliteDialect.tables), ddl), ...buildSteps(ddl)],
    names: SQLITE_NAMES,
    introspect: ctx.introspect,
    async transaction(fn) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(ctx);
        db.exec('COMMIT');
        return out;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    },
    async recordVersion(c, version) {
      await c.exec('CREATE TABLE IF NOT EXISTS schema_version(version text primary key,applied_at integer)');
      await c.run(sql`INSERT INTO schema_version(version, applied_at) VALUES (${version}, ${Date.now()}) ON CONFLICT (version) DO NOTHING`);
    },
  };
}
