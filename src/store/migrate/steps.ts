/**
 * The migration steps, the same list on both backends; each backend supplies its DDL
 * (../sqlite/migrations.ts, ../postgres/migrations.ts). Steps up to 1.2.0 describe upstream's
 * layout; steps 2.x are ours. Steps that upgrade older upstream layouts sort before 1.2.0.
 */
import type { TableNames } from '../dialect.js';
import type { Stmt } from '../sql.js';
import type { SchemaFacts } from './facts.js';
import type { MigrationContext, MigrationStep } from './types.js';
import { linkRepairCounts, rekeyedLinks, repairMisplacedValues, repairVectorOwners } from './repairs.js';
import { migrateUpstreamFacts, temporalReady, type TemporalDdl } from './temporal.js';
import { renameUserRows, renameUsers, type UpgradeSettings } from './user-map.js';

export interface IndexDef {
  name: string;
  sql: string;
}

export interface MigrationDdl {
  readonly tables: TableNames;
  /** SQL for memory `alias`'s id as text (waypoints hold ids as text); a bare column keeps the primary-key index usable. */
  memoryIdText(alias: string): string;
  /** Every v1.2 table and index that is missing, created exactly as v1.2 did. */
  createV12(ctx: MigrationContext): Promise<void>;
  /**
   * Replaces the waypoints table by the (src_id, dst_id) layout: creates it under a temporary
   * name, fills it with `fill(tempTable)`, drops the old table and takes over its name and indexes.
   */
  replaceWaypoints(ctx: MigrationContext, fill: (tempTable: string) => Stmt): Promise<number>;
  /** SQL predicate over waypoint alias `w`: a row written with shifted columns (v1.2 defect D6), or null. */
  readonly shiftedWaypoint: string | null;
  /** SQL expression: the weight that row `w` meant (for shifted rows, recovered from `user_id`). */
  readonly waypointWeight: string;
  /** SQL for the stored type of a column where the backend lets any type into any column (SQLite), or null. */
  readonly storedType: ((column: string) => string) | null;
  readonly addVectorModel: string;
  readonly perUserIndexes: readonly IndexDef[];
  /** Our tables: `stats` (PostgreSQL never had it) and `api_keys`. */
  readonly ownTables: readonly string[];
  /**
   * Per-user epochs and the change journal that keep in-process user models coherent
   * (../ops/journal.ts). Creating it also drops what earlier releases kept for the same ends and
   * the in-process models replace: the database full-text index and the vector epochs with
   * their triggers.
   */
  readonly userJournal: SchemaFeature;
  /** The journal rebuilt in the layout cheapest to write; null where 2.0.9 created it so. */
  readonly journalLayout: SchemaFeature | null;
  /** `stats.user_id` (whose counters a row holds; NULL: a job run over all users) and its index. */
  readonly statsUserColumn: string;
  readonly statsUserIndex: IndexDef;
  /** Every change of a memory by hand, per user (../ops/history.ts). */
  readonly memoryHistory: readonly string[];
  readonly temporal: TemporalDdl;
  /**
   * Upstream's own stats table where it is not ours (PostgreSQL `stats`, which took our stats
   * indexes' names): its rows carried into ours, the table dropped, our indexes on our table.
   * Null where upstream's stats table is ours (SQLite).
   */
  readonly upstreamStats: SchemaFeature | null;
}

/** Something a step adds whose presence is read from the schema facts. */
export interface SchemaFeature {
  isReady(facts: SchemaFacts): boolean;
  create(ctx: MigrationContext): Promise<void>;
}

const V12_TABLES = ['memories', 'vectors', 'waypoints', 'users', 'embedLogs'] as const;

function isV12Layout(f: SchemaFacts): boolean {
  return V12_TABLES.every((t) => f.has(t)) && f.hasColumn('vectors', 'user_id') && f.hasColumn('waypoints', 'user_id');
}

function isRekeyed(f: SchemaFacts): boolean {
  return f.primaryKey('waypoints').join(',') === 'src_id,dst_id';
}

/** A step that adds one schema feature, applied exactly when the feature is not there yet. */
function featureStep(version: string, description: string, feature: SchemaFeature): MigrationStep {
  return { version, description, isApplied: (f) => feature.isReady(f), up: (ctx) => feature.create(ctx) };
}

export function buildSteps(ddl: MigrationDdl, settings: UpgradeSettings): MigrationStep[] {
  const { userRenames } = settings;
  return [
    {
      version: '1.2.0',
      description: 'OpenMemory v1.2 tables',
      isApplied: isV12Layout,
      async up(ctx) {
        const f = await ctx.introspect();
        const old = V12_TABLES.filter((t) => f.has(t));
        if (old.length > 0 && (!f.hasColumn('vectors', 'user_id') || !f.hasColumn('waypoints', 'user_id'))) {
          throw new Error('the database has a pre-1.2 layout (no vectors/waypoints user_id) and no step upgrades it');
        }
        await ddl.createV12(ctx);
      },
    },
    {
      version: '2.0.0',
      description:
        "waypoints keyed by (src_id, dst_id) and owned by their source memory; upstream's users renamed (anonymous = the default user), misplaced values, link and vector repairs",
      isApplied: isRekeyed,
      // Every upstream layout passes here once (none keyed links by (src_id, dst_id)); ours never comes back.
      async up(ctx) {
        ctx.report('memories.user_renamed', await renameUsers(ctx, userRenames, ddl.tables.memories));
        await renameUserRows(ctx, userRenames, ddl.tables.users);
        await repairMisplacedValues(ctx, ddl.tables.memories, ddl.storedType);
        for (const [what, n] of Object.entries(await linkRepairCounts(ctx, ddl))) ctx.report(what, n);
        const kept = await ddl.replaceWaypoints(ctx, (temp) => rekeyedLinks(ddl, temp));
        ctx.report('waypoints.kept', kept);
        await repairVectorOwners(ctx, ddl.tables);
      },
    },
    {
      version: '2.0.1',
      description: 'vectors.model records the embedder of each vector',
      isApplied: (f) => f.hasColumn('vectors', 'model'),
      up: (ctx) => ctx.exec(ddl.addVectorModel),
    },
    {
      version: '2.0.2',
      description: 'per-user indexes',
      isApplied: (f) => ddl.perUserIndexes.every((i) => f.hasIndex(i.name)),
      async up(ctx) {
        for (const i of ddl.perUserIndexes) await ctx.exec(i.sql);
      },
    },
    {
      version: '2.0.3',
      description: 'stats and api_keys tables',
      isApplied: (f) => f.has('stats') && f.has('apiKeys'),
      async up(ctx) {
        for (const s of ddl.ownTables) await ctx.exec(s);
      },
    },
    // 2.0.4 to 2.0.8 built a database full-text index and vector epochs; 2.0.9 replaces both.
    featureStep(
      '2.0.9',
      'per-user change journal keeping in-process user models coherent (replaces the full-text index and vector epochs)',
      ddl.userJournal,
    ),
    ...(ddl.journalLayout
      ? [
          featureStep(
            '2.0.10',
            'the change journal stored as a rowid table (an entry costs half as much to write)',
            ddl.journalLayout,
          ),
        ]
      : []),
    {
      version: '2.1.0',
      description:
        "temporal facts and edges per user (upstream's tables, v1.2.3 to head, carried over under their user)",
      isApplied: (f) => temporalReady(f, ddl.temporal),
      up: (ctx) => migrateUpstreamFacts(ctx, ddl.temporal, userRenames),
    },
    ...(ddl.upstreamStats
      ? [
          featureStep(
            '2.1.1',
            "upstream's stats table carried into ours, our stats indexes on our table",
            ddl.upstreamStats,
          ),
        ]
      : []),
    {
      version: '2.3.0',
      description: 'memory history: each add, update, reinforcement by hand, supersede and delete, content before',
      isApplied: (f) => f.has('memoryHistory'),
      async up(ctx) {
        for (const s of ddl.memoryHistory) await ctx.exec(s);
      },
    },
    {
      version: '2.4.0',
      description: "stats rows per user, so a user's maintenance counters are shown to that user only",
      isApplied: (f) => f.hasColumn('stats', 'user_id') && f.hasIndex(ddl.statsUserIndex.name),
      async up(ctx) {
        if (!(await ctx.introspect()).hasColumn('stats', 'user_id')) await ctx.exec(ddl.statsUserColumn);
        await ctx.exec(ddl.statsUserIndex.sql);
      },
    },
  ];
}
