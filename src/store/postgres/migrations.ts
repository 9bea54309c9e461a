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
import { ident, raw, sql } from '../sql.js';
import { pgNames, postgresDialect, SEARCH_VECTOR, TSVECTOR } from './dialect.js';
import { PostgresDriver } from './driver.js';
import { introspectPostgres } from './introspect.js';

/** An update moves vectors between users only in repairs; both the old and the new owner change. */
const EPOCH_TRIGGERS = {
  epoch_ins: ['INSERT', 'NEW'],
  epoch_del: ['DELETE', 'OLD'],
  epoch_upd_old: ['UPDATE', 'OLD'],
  epoch_upd_new: ['UPDATE', 'NEW'],
};

type PgTables = Pick<PgConfig, 'schema' | 'memoriesTable' | 'vectorsTable'>;

function pgDdl(pg: PgTables): MigrationDdl {
  const n = pgNames(pg);
  const t = postgresDialect(pg).tables;
  const q = (name: string) => ident(pg.schema, name);
  // Index names follow the table names (v1.2 fixed them, so two table prefixes in one schema collided).
  const idx = (table: string, suffix: string, columns: string, using = '') =>
    ({ name: `${table}_${suffix}`, sql: `CREATE INDEX IF NOT EXISTS ${ident(`${table}_${suffix}`)} ON ${q(table)} ${using}(${columns})` });
  const waypointUserIdx = idx(n.waypoints, 'user_idx', 'user_id');
  const ftsIdx = idx(n.memories, 'content_fts_idx', TSVECTOR, 'USING gin ');
  const storedFtsIdx = idx(n.memories, 'content_tsv_idx', SEARCH_VECTOR, 'USING gin ');
  // No pending list (fastupdate): GIN otherwise queues new entries, and every search scans the whole
  // queue until a vacuum merges it (7 ms instead of 0.15 ms per search at 100,000 memories).
  const searchIdx = idx(n.memories, 'content_search_idx', SEARCH_VECTOR, 'USING gin ');
  const directFtsIdx = { ...searchIdx, sql: `${searchIdx.sql} WITH (fastupdate = off)` };
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
      await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.embedLogs} (id text PRIMARY KEY, model text, status text, ts bigint, err text)`);
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
      await ctx.exec(`ALTER TABLE ${t.waypoints} RENAME CONSTRAINT ${ident(`${temp}_pkey`)} TO ${ident(`${n.waypoints}_pkey`)}`);
      await ctx.exec(waypointUserIdx.sql);
      return changes;
    },
    // PostgreSQL rejected v1.2's 5-for-6 co-activation insert outright, so no shifted rows exist there.
    shiftedWaypoint: null,
    waypointWeight: 'w.weight',
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
      idx(n.stats, 'ts_idx', 'ts').sql,
      idx(n.stats, 'type_idx', 'type').sql,
      `CREATE TABLE IF NOT EXISTS ${t.apiKeys} (id text PRIMARY KEY, user_id text, role text NOT NULL, label text,
        key_hash text NOT NULL UNIQUE, created_at bigint NOT NULL, revoked_at bigint, last_used_at bigint)`,
    ],
    fullText: {
      // Step 2.0.6 replaces this index by one on the stored column.
      isReady: (f) => [ftsIdx, storedFtsIdx, directFtsIdx].some((i) => f.hasIndex(i.name)),
      create: (ctx) => ctx.exec(ftsIdx.sql),
    },
    // The planner combines the user index with the GIN index (a bitmap AND): no per-user column needed.
    fullTextByUser: { isReady: () => true, create: async () => {} },
    fullTextRanking: {
      // Step 2.0.8 replaces the stored column's first index by one without a pending list.
      isReady: (f) => f.hasColumn('memories', SEARCH_VECTOR) && (f.hasIndex(storedFtsIdx.name) || f.hasIndex(directFtsIdx.name)) && !f.hasIndex(ftsIdx.name),
      async create(ctx) {
        await ctx.exec(`ALTER TABLE ${t.memories} ADD COLUMN IF NOT EXISTS ${SEARCH_VECTOR} tsvector GENERATED ALWAYS AS (${TSVECTOR}) STORED`);
        await ctx.exec(directFtsIdx.sql);
        await ctx.exec(`DROP INDEX IF EXISTS ${q(ftsIdx.name)}`);
      },
    },
    fullTextDirect: {
      isReady: (f) => f.hasIndex(directFtsIdx.name) && !f.hasIndex(storedFtsIdx.name),
      async create(ctx) {
        await ctx.exec(directFtsIdx.sql);
        await ctx.exec(`DROP INDEX IF EXISTS ${q(storedFtsIdx.name)}`);
      },
    },
    vectorEpochs: {
      isReady: (f) => f.has('vectorEpochs') && Object.keys(EPOCH_TRIGGERS).every((name) => f.hasTrigger(`${n.vectors}_${name}`)),
      async create(ctx) {
        const bump = q(`${n.vectors}_bump_epochs`);
        await ctx.exec(`CREATE TABLE IF NOT EXISTS ${t.vectorEpochs} (user_key text PRIMARY KEY, epoch bigint NOT NULL)`);
        // Statement triggers: one upsert per statement and user; sorted so concurrent writers lock rows in one order.
        await ctx.exec(`CREATE OR REPLACE FUNCTION ${bump}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          INSERT INTO ${t.vectorEpochs} AS e (user_key, epoch) SELECT DISTINCT coalesce(user_id, ''), 1 FROM changed ORDER BY 1
          ON CONFLICT (user_key) DO UPDATE SET epoch = e.epoch + 1;
          RETURN NULL; END $$`);
        for (const [name, [event, rows]] of Object.entries(EPOCH_TRIGGERS)) {
          const trigger = ident(`${n.vectors}_${name}`);
          await ctx.exec(`DROP TRIGGER IF EXISTS ${trigger} ON ${t.vectors}`);
          await ctx.exec(`CREATE TRIGGER ${trigger} AFTER ${event} ON ${t.vectors} REFERENCING ${rows} TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ${bump}()`);
        }
      },
    },
  };
}

export function postgresMigrationTarget(driver: PostgresDriver, pg: PgTables): MigrationTarget {
  const names = pgNames(pg);
  const versionTable = ident(pg.schema, names.schemaVersion);
  const contextFor = (client: Parameters<typeof PostgresDriver.exec>[0]): MigrationContext => ({
    exec: async (text) => void (await client.query(text)),
    run: (stmt) => PostgresDriver.exec(client, stmt),
    introspect: async () => new SchemaFacts(await introspectPostgres(client, pg.schema, names.schemaVersion), names),
    report: () => {},
  });
  return {
    steps: [...legacySteps(postgresLegacy(postgresDialect(pg).tables, pg), pgDdl(pg)), ...buildSteps(pgDdl(pg))],
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
