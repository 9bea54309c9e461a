/**
 * PostgreSQL DDL for the shared migration steps, and the runner's target: each step runs in one
 * transaction holding an advisory lock keyed on the schema, so concurrent starts migrate once.
 */
import type { PgConfig } from '../../config.js';
import { SchemaFacts } from '../migrate/facts.js';
import { postgresLegacy } from '../migrate/legacy/dialect.js';
import { legacySteps } from '../migrate/legacy/steps.js';
import { buildSteps, type MigrationDdl } from '../migrate/steps.js';
import type { MigrationContext, MigrationTarget } from '../migrate/types.js';
import type { UpgradeSettings } from '../migrate/user-map.js';
import { ident, raw, sql } from '../sql.js';
import { pgNames, postgresDialect } from './dialect.js';
import { PostgresDriver } from './driver.js';
import { introspectPostgres } from './introspect.js';

/** Vector epoch triggers of releases before 2.0.9 (migration step 2.0.5), by name suffix. */
const SUPERSEDED_TRIGGERS = ['epoch_ins', 'epoch_del', 'epoch_upd_old', 'epoch_upd_new'];
const SUPERSEDED_EPOCHS = 'openmemory_vector_epochs';
/** The stored tsvector column of steps 2.0.6 to 2.0.8, and the full-text indexes of steps 2.0.4 to 2.0.8. */
const SEARCH_VECTOR = 'content_tsv';
const SUPERSEDED_INDEXES = ['content_fts_idx', 'content_tsv_idx', 'content_search_idx'];

type PgTables = Pick<PgConfig, 'schema' | 'memoriesTable' | 'vectorsTable'>;

/**
 * Upstream's PostgreSQL stats table (v1.2.3 to head): in the schema under this name, with exactly
 * these columns and an index under our stats index's name (what tells it from a table of another
 * application that happens to be called `stats`).
 */
const UPSTREAM_STATS = 'stats';
const STATS_COLUMNS = 'id,type,count,ts';

function pgDdl(pg: PgTables): MigrationDdl {
  const n = pgNames(pg);
  const t = postgresDialect(pg).tables;
  const q = (name: string) => ident(pg.schema, name);
  // Index names follow the table names (v1.2 fixed them, so two table prefixes in one schema collided).
  const idx = (table: string, suffix: string, columns: string, using = '') => ({
    name: `${table}_${suffix}`,
    sql: `CREATE INDEX IF NOT EXISTS ${ident(`${table}_${suffix}`)} ON ${q(table)} ${using}(${columns})`,
  });
  const waypointUserIdx = idx(n.waypoints, 'user_idx', 'user_id');
  const supersededIndexes = SUPERSEDED_INDEXES.map((suffix) => `${n.memories}_${suffix}`);
  const supersededTriggers = SUPERSEDED_TRIGGERS.map((suffix) => `${n.vectors}_${suffix}`);
  const statsIndexes = [idx(n.stats, 'ts_idx', 'ts'), idx(n.stats, 'type_idx', 'type')];
  const upstreamStats = (f: SchemaFacts) =>
    [...(f.shape.tables.get(UPSTREAM_STATS)?.columns.keys() ?? [])].sort().join(',') ===
      STATS_COLUMNS.split(',').sort().join(',') &&
    statsIndexes.some((i) => f.shape.indexTables.get(i.name) === UPSTREAM_STATS);
  const temporalIndexes = {
    facts: idx(n.temporalFacts, 'user_subject_idx', 'user_id, subject, predicate, valid_from'),
    edges: idx(n.temporalEdges, 'user_source_idx', 'user_id, source_id'),
  };
  return {
    tables: t,
    memoryIdText: (alias) => `CAST(${alias}.id AS TEXT)`,
    async createV12(ctx) {
      await ctx.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(pg.schema)}`);
      await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.memories} (id uuid PRIMARY KEY, user_id text, segment integer DEFAULT 0,
        content text NOT NULL, simhash text, primary_sector text NOT NULL, tags text, meta text, created_at bigint,
        updated_at bigint, last_seen_at bigint, salience double precision, decay_lambda double precision,
        version integer DEFAULT 1, mean_dim integer, mean_vec bytea, compressed_vec bytea, feedback_score double precision DEFAULT 0)`);
      await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.vectors} (id uuid NOT NULL, sector text NOT NULL, user_id text, v bytea,
        dim integer NOT NULL, PRIMARY KEY (id, sector))`);
      await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.waypoints} (src_id text, dst_id text NOT NULL, user_id text,
        weight double precision NOT NULL, created_at bigint, updated_at bigint, PRIMARY KEY (src_id, user_id))`);
      await ctx.exec(
        `CREATE TABLE IF NOT EXISTS ${t.embedLogs} (id text PRIMARY KEY, model text, status text, ts bigint, err text)`,
      );
      await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.users} (user_id text PRIMARY KEY, summary text,
        reflection_count integer DEFAULT 0, created_at bigint, updated_at bigint)`);
      for (const i of [
        idx(n.memories, 'sector_idx', 'primary_sector'),
        idx(n.memories, 'segment_idx', 'segment'),
        idx(n.memories, 'simhash_idx', 'simhash'),
        idx(n.memories, 'user_idx', 'user_id'),
        idx(n.vectors, 'user_idx', 'user_id'),
        waypointUserIdx,
      ]) {
        await ctx.exec(i.sql);
      }
    },
    async replaceWaypoints(ctx, fill) {
      const temp = `${n.waypoints}_next`;
      await ctx.exec(`DROP TABLE IF EXISTS ${q(temp)}`);
      await ctx.exec(`CREATE TABLE ${q(temp)} (src_id text NOT NULL, dst_id text NOT NULL, user_id text,
        weight double precision NOT NULL, created_at bigint, updated_at bigint,
        CONSTRAINT ${ident(`${temp}_pkey`)} PRIMARY KEY (src_id, dst_id))`);
      const { changes } = await ctx.run(fill(q(temp)));
      await ctx.exec(`DROP TABLE ${t.waypoints}`);
      await ctx.exec(`ALTER TABLE ${q(temp)} RENAME TO ${ident(n.waypoints)}`);
      await ctx.exec(
        `ALTER TABLE ${t.waypoints} RENAME CONSTRAINT ${ident(`${temp}_pkey`)} TO ${ident(`${n.waypoints}_pkey`)}`,
      );
      await ctx.exec(waypointUserIdx.sql);
      return changes;
    },
    // PostgreSQL rejected v1.2's 5-for-6 co-activation insert outright, so no shifted rows exist there.
    shiftedWaypoint: null,
    waypointWeight: 'w.weight',
    storedType: null,
    addVectorModel: `ALTER TABLE ${t.vectors} ADD COLUMN IF NOT EXISTS model text`,
    perUserIndexes: [
      idx(n.memories, 'user_created_idx', 'user_id, created_at'),
      idx(n.memories, 'user_simhash_idx', 'user_id, simhash'),
      idx(n.vectors, 'user_sector_idx', 'user_id, sector'),
      waypointUserIdx,
      idx(n.waypoints, 'dst_idx', 'dst_id'),
    ],
    ownTables: [
      `CREATE TABLE IF NOT EXISTS ${t.stats} (id bigserial PRIMARY KEY, type text NOT NULL, count integer DEFAULT 1, ts bigint NOT NULL)`,
      ...statsIndexes.map((i) => i.sql),
      `CREATE TABLE IF NOT EXISTS ${t.apiKeys} (id text PRIMARY KEY, user_id text, role text NOT NULL, label text,
        key_hash text NOT NULL UNIQUE, created_at bigint NOT NULL, revoked_at bigint, last_used_at bigint)`,
    ],
    userJournal: {
      isReady: (f) =>
        f.has('userEpochs') &&
        f.has('userJournal') &&
        !f.hasTable(SUPERSEDED_EPOCHS) &&
        !f.hasColumn('memories', SEARCH_VECTOR) &&
        !supersededIndexes.some((i) => f.hasIndex(i)) &&
        !supersededTriggers.some((name) => f.hasTrigger(name)),
      async create(ctx) {
        for (const name of supersededTriggers) await ctx.exec(`DROP TRIGGER IF EXISTS ${ident(name)} ON ${t.vectors}`);
        await ctx.exec(`DROP FUNCTION IF EXISTS ${q(`${n.vectors}_bump_epochs`)}()`);
        await ctx.exec(`DROP TABLE IF EXISTS ${q(SUPERSEDED_EPOCHS)}`);
        for (const i of supersededIndexes) await ctx.exec(`DROP INDEX IF EXISTS ${q(i)}`);
        await ctx.exec(`ALTER TABLE ${t.memories} DROP COLUMN IF EXISTS ${SEARCH_VECTOR}`);
        await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.userEpochs} (user_key text PRIMARY KEY, epoch bigint NOT NULL)`);
        await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.userJournal} (user_key text NOT NULL, epoch bigint NOT NULL, changes text NOT NULL,
          PRIMARY KEY (user_key, epoch))`);
      },
    },
    // PostgreSQL never stores a table's rows in its key: 2.0.9's layout is the one to keep.
    journalLayout: null,
    statsUserColumn: `ALTER TABLE ${t.stats} ADD COLUMN IF NOT EXISTS user_id text`,
    statsUserIndex: idx(n.stats, 'user_ts_idx', 'user_id, ts'),
    memoryHistory: [
      `CREATE TABLE IF NOT EXISTS ${t.memoryHistory} (id bigserial PRIMARY KEY, memory_id text NOT NULL, user_id text,
        event text NOT NULL, content text, previous_content text, detail text, actor text NOT NULL,
        created_at bigint NOT NULL)`,
      idx(n.memoryHistory, 'user_memory_idx', 'user_id, memory_id').sql,
    ],
    temporal: {
      facts: t.temporalFacts,
      edges: t.temporalEdges,
      factsIndex: temporalIndexes.facts.name,
      edgesIndex: temporalIndexes.edges.name,
      upstream: { facts: 'temporal_facts', edges: 'temporal_edges', qualify: q },
      async create(ctx) {
        await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.temporalFacts} (id text PRIMARY KEY, user_id text, project_id text,
          subject text NOT NULL, predicate text NOT NULL, object text NOT NULL, valid_from bigint NOT NULL, valid_to bigint,
          confidence double precision NOT NULL, last_updated bigint NOT NULL, metadata text)`);
        await ctx.exec(temporalIndexes.facts.sql);
        await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.temporalEdges} (id text PRIMARY KEY, user_id text, source_id text NOT NULL,
          target_id text NOT NULL, relation_type text NOT NULL, valid_from bigint NOT NULL, valid_to bigint,
          weight double precision NOT NULL, metadata text)`);
        await ctx.exec(temporalIndexes.edges.sql);
      },
    },
    upstreamStats: {
      isReady: (f) => !upstreamStats(f) && statsIndexes.every((i) => f.hasIndexOn(i.name, 'stats')),
      async create(ctx) {
        if (upstreamStats(await ctx.introspect())) {
          const { changes } = await ctx.run(sql`INSERT INTO ${raw(t.stats)} (type, count, ts)
            SELECT type, count, ts FROM ${raw(q(UPSTREAM_STATS))} ORDER BY id`);
          ctx.report('stats.carried_over', changes);
          // Its indexes (named as ours) and its sequence go with it.
          await ctx.exec(`DROP TABLE ${q(UPSTREAM_STATS)}`);
        }
        const f = await ctx.introspect();
        for (const i of statsIndexes) {
          if (f.hasIndex(i.name) && !f.hasIndexOn(i.name, 'stats')) await ctx.exec(`DROP INDEX ${q(i.name)}`);
          await ctx.exec(i.sql);
        }
      },
    },
  };
}

export function postgresMigrationTarget(
  driver: PostgresDriver,
  pg: PgTables,
  settings: UpgradeSettings,
): MigrationTarget {
  const names = pgNames(pg);
  const versionTable = ident(pg.schema, names.schemaVersion);
  const contextFor = (client: Parameters<typeof PostgresDriver.exec>[0]): MigrationContext => ({
    exec: async (text) => void (await client.query(text)),
    run: (stmt) => PostgresDriver.exec(client, stmt),
    introspect: async () => new SchemaFacts(await introspectPostgres(client, pg.schema, names.schemaVersion), names),
    report: () => {},
  });
  return {
    steps: [
      ...legacySteps(postgresLegacy(postgresDialect(pg).tables, pg), pgDdl(pg)),
      ...buildSteps(pgDdl(pg), settings),
    ],
    names,
    introspect: () => contextFor(driver.pool).introspect(),
    transaction: (fn) =>
      driver.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`openmemory:migrate:${pg.schema}`]);
        return fn(contextFor(client));
      }),
    async recordVersion(ctx, version) {
      // Steps that find nothing to do on a fresh install are recorded before any step created the schema.
      await ctx.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(pg.schema)}`);
      await ctx.exec(`CREATE TABLE IF NOT EXISTS ${versionTable} (version text PRIMARY KEY, applied_at bigint)`);
      await ctx.run(sql`INSERT INTO ${raw(versionTable)} (version, applied_at) VALUES (${version}, ${Date.now()})
        ON CONFLICT (version) DO NOTHING`);
    },
  };
}
