/** SQLite DDL for the shared migration steps, and the runner's target (BEGIN IMMEDIATE = the lock). */
import type Database from 'better-sqlite3';
import { SchemaFacts } from '../migrate/facts.js';
import { sqliteLegacy } from '../migrate/legacy/dialect.js';
import { legacySteps } from '../migrate/legacy/steps.js';
import { buildSteps, type MigrationDdl } from '../migrate/steps.js';
import type { MigrationContext, MigrationTarget } from '../migrate/types.js';
import type { UpgradeSettings } from '../migrate/user-map.js';
import { ident, sql } from '../sql.js';
import { SQLITE_NAMES, sqliteDialect } from './dialect.js';
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

/** What releases before 2.0.9 kept for full-text search and vector epochs (migration steps 2.0.4 to 2.0.8). */
const SUPERSEDED = {
  triggers: [
    'memories_search_ai',
    'memories_search_ad',
    'memories_search_au',
    'vector_epochs_ai',
    'vector_epochs_ad',
    'vector_epochs_au',
  ],
  // The term view before the index it reads.
  tables: ['memories_search_vocab', 'memories_search', 'vector_epochs'],
};

// Rows of a user's memory are read in insertion order (the rowid), as they happened.
const MEMORY_HISTORY = [
  `CREATE TABLE IF NOT EXISTS memory_history(id integer primary key autoincrement,memory_id text not null,user_id text,
    event text not null,content text,previous_content text,detail text,actor text not null,
    created_at integer not null)`,
  'CREATE INDEX IF NOT EXISTS idx_memory_history_user_memory on memory_history(user_id, memory_id)',
];

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
  storedType: (column) => `typeof(${column})`,
  addVectorModel: 'ALTER TABLE vectors ADD COLUMN model text',
  perUserIndexes: [
    {
      name: 'idx_memories_user_created',
      sql: 'CREATE INDEX IF NOT EXISTS idx_memories_user_created on memories(user_id, created_at)',
    },
    {
      name: 'idx_memories_user_simhash',
      sql: 'CREATE INDEX IF NOT EXISTS idx_memories_user_simhash on memories(user_id, simhash)',
    },
    {
      name: 'idx_vectors_user_sector',
      sql: 'CREATE INDEX IF NOT EXISTS idx_vectors_user_sector on vectors(user_id, sector)',
    },
    { name: 'idx_waypoints_user', sql: 'CREATE INDEX IF NOT EXISTS idx_waypoints_user on waypoints(user_id)' },
    { name: 'idx_waypoints_dst', sql: 'CREATE INDEX IF NOT EXISTS idx_waypoints_dst on waypoints(dst_id)' },
  ],
  ownTables: [
    'CREATE TABLE IF NOT EXISTS stats(id integer primary key autoincrement,type text not null,count integer default 1,ts integer not null)',
    'CREATE INDEX IF NOT EXISTS idx_stats_ts on stats(ts)',
    'CREATE INDEX IF NOT EXISTS idx_stats_type on stats(type)',
    'CREATE TABLE IF NOT EXISTS api_keys(id text primary key,user_id text,role text not null,label text,key_hash text not null unique,created_at integer not null,revoked_at integer,last_used_at integer)',
  ],
  userJournal: {
    isReady: (f) =>
      f.has('userEpochs') &&
      f.has('userJournal') &&
      !SUPERSEDED.tables.some((t) => f.hasTable(t)) &&
      !SUPERSEDED.triggers.some((t) => f.hasTrigger(t)),
    async create(ctx) {
      for (const t of SUPERSEDED.triggers) await ctx.exec(`DROP TRIGGER IF EXISTS ${t}`);
      for (const t of SUPERSEDED.tables) await ctx.exec(`DROP TABLE IF EXISTS ${t}`);
      await ctx.exec('CREATE TABLE IF NOT EXISTS user_epochs(user_key text primary key, epoch integer not null)');
      // As 2.0.9 made it; 2.0.10 rebuilds it (steps stay what they were: a database is at one of them).
      await ctx.exec(`${journalTable('user_journal')} WITHOUT ROWID`);
    },
  },
  // WITHOUT ROWID kept each entry (up to a few KB of ids) in the key's B-tree: one entry per
  // query, each in another user's key range, took 30 µs to insert, and 14 in a rowid table.
  statsUserColumn: 'ALTER TABLE stats ADD COLUMN user_id text',
  statsUserIndex: {
    name: 'idx_stats_user_ts',
    sql: 'CREATE INDEX IF NOT EXISTS idx_stats_user_ts on stats(user_id, ts)',
  },
  memoryHistory: MEMORY_HISTORY,
  journalLayout: {
    isReady: (f) => !f.isWithoutRowid('userJournal'),
    async create(ctx) {
      await ctx.exec('DROP TABLE IF EXISTS user_journal_rowid');
      await ctx.exec(journalTable('user_journal_rowid'));
      await ctx.exec(
        'INSERT INTO user_journal_rowid (user_key, epoch, changes) SELECT user_key, epoch, changes FROM user_journal',
      );
      await ctx.exec('DROP TABLE user_journal');
      await ctx.exec('ALTER TABLE user_journal_rowid RENAME TO user_journal');
    },
  },
  temporal: {
    facts: 'temporal_facts',
    edges: 'temporal_edges',
    factsIndex: 'idx_temporal_facts_user_subject',
    edgesIndex: 'idx_temporal_edges_user_source',
    // Upstream's tables hold our names.
    upstream: { facts: 'temporal_facts', edges: 'temporal_edges', qualify: ident },
    async create(ctx) {
      await ctx.exec(`CREATE TABLE IF NOT EXISTS temporal_facts(id text primary key,user_id text,project_id text,subject text not null,
        predicate text not null,object text not null,valid_from integer not null,valid_to integer,confidence real not null,
        last_updated integer not null,metadata text)`);
      await ctx.exec(
        'CREATE INDEX IF NOT EXISTS idx_temporal_facts_user_subject on temporal_facts(user_id, subject, predicate, valid_from)',
      );
      await ctx.exec(`CREATE TABLE IF NOT EXISTS temporal_edges(id text primary key,user_id text,source_id text not null,
        target_id text not null,relation_type text not null,valid_from integer not null,valid_to integer,weight real not null,metadata text)`);
      await ctx.exec('CREATE INDEX IF NOT EXISTS idx_temporal_edges_user_source on temporal_edges(user_id, source_id)');
    },
  },
  // SQLite's `stats` is upstream's table.
  upstreamStats: null,
};

function journalTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name}(user_key text not null, epoch integer not null, changes text not null, primary key(user_key, epoch))`;
}

export function sqliteMigrationTarget(driver: SqliteDriver, settings: UpgradeSettings): MigrationTarget {
  const db: Database.Database = driver.db;
  const ctx: MigrationContext = {
    exec: async (text) => void db.exec(text),
    run: async (stmt) => driver.exec(stmt),
    introspect: async () => new SchemaFacts(introspectSqlite(db), SQLITE_NAMES),
    report: () => {},
  };
  return {
    steps: [...legacySteps(sqliteLegacy(sqliteDialect.tables), ddl), ...buildSteps(ddl, settings)],
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
      await c.run(
        sql`INSERT INTO schema_version(version, applied_at) VALUES (${version}, ${Date.now()}) ON CONFLICT (version) DO NOTHING`,
      );
    },
  };
}
