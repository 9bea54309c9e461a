/**
 * Steps that lift databases written by upstream releases before v1.2 to the v1.2 layout; the
 * common steps (../steps.ts) then create what v1.2 adds and take the data on to ours. Each step
 * decides from the schema it finds, so half-applied upgrades (upstream's PostgreSQL script run
 * outside a transaction; v1.2's tool, which stamped `1.2.0` and changed nothing) are completed
 * rather than trusted.
 *
 * - 1.1.x releases: `memories` lacks user_id, segment, simhash, compressed_vec, feedback_score,
 *   and a full-text table of their own layout exists.
 * - The in-between schema (upstream commit 7b204df): `vectors` and `waypoints` lack user_id,
 *   and SQLite files hold rows that upstream wrote into the wrong columns.
 * - Indexes under names our schema does not use: the migration document's SQLite names run on
 *   PostgreSQL, and v1.x's fixed names on custom-named PostgreSQL tables.
 */
import { raw, sql } from '../../sql.js';
import type { SchemaFacts } from '../facts.js';
import type { MigrationDdl } from '../steps.js';
import type { MigrationContext, MigrationStep } from '../types.js';
import type { LegacyDialect } from './dialect.js';

/** All sort before the common 1.2.0 step, which refuses a pre-1.2 layout. */
export const RELEASE_11_VERSION = '1.1.1';
/** Before the step that adds vectors.user_id, which needs the vector table under its name. */
export const HEAD_LAYOUT_VERSION = '1.1.0';
export const PER_USER_COLUMNS_VERSION = '1.1.2';
export const STRAY_INDEXES_VERSION = '1.1.3';

/**
 * The nullable or defaulted v1.2 columns of `memories`. 1.1.x lacks the first five; the rest
 * are listed too so that an older release missing any of them is lifted the same way.
 */
function memoryColumns(d: LegacyDialect): Array<[string, string]> {
  const { blob, real, time } = d.types;
  return [
    ['user_id', 'text'],
    ['segment', 'integer DEFAULT 0'],
    ['simhash', 'text'],
    ['compressed_vec', blob],
    ['feedback_score', `${real} DEFAULT 0`],
    ['tags', 'text'],
    ['meta', 'text'],
    ['created_at', time],
    ['updated_at', time],
    ['last_seen_at', time],
    ['salience', real],
    ['decay_lambda', real],
    ['version', 'integer DEFAULT 1'],
    ['mean_dim', 'integer'],
    ['mean_vec', blob],
  ];
}

/** 1.1.x's own full-text table (one of ours under that name would carry user_id). */
function hasLegacyFullText(f: SchemaFacts, d: LegacyDialect): boolean {
  const t = f.shape.tables.get(d.legacyFullText.name);
  return t !== undefined && !t.columns.has('user_id');
}

async function addMissingColumns(
  ctx: MigrationContext,
  d: LegacyDialect,
  table: 'memories' | 'vectors' | 'waypoints',
  columns: Array<[string, string]>,
) {
  const facts = await ctx.introspect();
  for (const [name, type] of columns) {
    if (!facts.hasColumn(table, name)) await ctx.exec(`ALTER TABLE ${d.tables[table]} ${d.addColumn} ${name} ${type}`);
  }
}

/** Metadata of an upstream row with its project added (text that is no JSON object is kept beside it). */
function withProject(meta: unknown, projectId: string): string {
  let parsed: unknown = {};
  try {
    parsed = meta === null || meta === undefined ? {} : JSON.parse(String(meta));
  } catch {
    parsed = String(meta);
  }
  const object = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : { meta: parsed };
  return JSON.stringify({ project_id: projectId, ...object });
}

const PROJECT_ID = 'project_id';

/** The current head: `project_id` on memories, vectors and links, and (SQLite) the vector table under its PostgreSQL name. */
function headLayout(d: LegacyDialect): MigrationStep {
  const renamedVectors = (f: SchemaFacts) =>
    d.headVectorTable !== null && f.hasTable(d.headVectorTable) && !f.has('vectors');
  const withProjects = (f: SchemaFacts) =>
    (['memories', 'vectors', 'waypoints'] as const).filter((t) => f.hasColumn(t, PROJECT_ID));
  return {
    version: HEAD_LAYOUT_VERSION,
    description:
      "upstream head: the vector table takes this schema's name; project_id goes into the memory's metadata (vectors and links held copies)",
    isApplied: (f) => !renamedVectors(f) && withProjects(f).length === 0,
    async up(ctx) {
      if (renamedVectors(await ctx.introspect()))
        await ctx.exec(`ALTER TABLE ${d.headVectorTable} RENAME TO ${d.tables.vectors}`);
      const tables = withProjects(await ctx.introspect());
      if (tables.includes('memories')) {
        const m = d.tables.memories;
        const { rows } = await ctx.run(sql`SELECT id, meta, project_id FROM ${raw(m)} WHERE project_id IS NOT NULL`);
        for (const r of rows)
          await ctx.run(
            sql`UPDATE ${raw(m)} SET meta = ${withProject(r.meta, String(r.project_id))} WHERE id = ${r.id}`,
          );
        ctx.report('memories.project_id_kept_in_meta', rows.length);
      }
      for (const t of tables) await ctx.exec(`ALTER TABLE ${d.tables[t]} DROP COLUMN ${PROJECT_ID}`);
    },
  };
}

function release11(d: LegacyDialect): MigrationStep {
  return {
    version: RELEASE_11_VERSION,
    description:
      'release 1.1.x: memories gain user_id, segment, simhash, compressed_vec, feedback_score (and any other missing v1.2 column); the 1.1.x full-text table goes',
    isApplied: (f) =>
      !f.has('memories') || (memoryColumns(d).every(([c]) => f.hasColumn('memories', c)) && !hasLegacyFullText(f, d)),
    async up(ctx) {
      await addMissingColumns(ctx, d, 'memories', memoryColumns(d));
      if (hasLegacyFullText(await ctx.introspect(), d)) {
        // It only indexes memories.content, from which the 2.x full-text step builds ours.
        await ctx.exec(`DROP TABLE ${d.legacyFullText.qualified}`);
        ctx.report('legacy_fulltext.dropped', 1);
      }
    },
  };
}

/** The common 1.2.0 step sees a v1.2 layout once these steps ran, so what v1.2 adds besides columns comes from here. */
type V12 = Pick<MigrationDdl, 'createV12'>;

function perUserColumns(d: LegacyDialect, v12: V12): MigrationStep {
  return {
    version: PER_USER_COLUMNS_VERSION,
    description: 'in-between schema: vectors and waypoints gain user_id (filled from their memory by 2.0.0)',
    isApplied: (f) => !f.has('memories') || (f.hasColumn('vectors', 'user_id') && f.hasColumn('waypoints', 'user_id')),
    async up(ctx) {
      await addMissingColumns(ctx, d, 'vectors', [['user_id', 'text']]);
      await addMissingColumns(ctx, d, 'waypoints', [['user_id', 'text']]);
      await v12.createV12(ctx);
    },
  };
}

/**
 * Indexes under names our schema does not use: the ones upstream's migration document creates
 * when run by hand, and v1.x's fixed names on custom-named PostgreSQL tables.
 */
function strayIndexes(d: LegacyDialect, v12: V12): MigrationStep {
  const stray = (f: SchemaFacts) =>
    d.strayIndexes.filter((i) => f.hasIndex(i.name) && !(i.unlessTable && f.hasTable(i.unlessTable)));
  return {
    version: STRAY_INDEXES_VERSION,
    description: 'indexes upstream left under names this schema does not use',
    isApplied: (f) => stray(f).length === 0,
    async up(ctx) {
      const found = stray(await ctx.introspect());
      for (const i of found) await ctx.exec(`DROP INDEX ${i.qualified}`);
      ctx.report('stray_indexes.dropped', found.length);
      // Their replacements, under this schema's names.
      await v12.createV12(ctx);
    },
  };
}

export function legacySteps(d: LegacyDialect, v12: V12): MigrationStep[] {
  return [headLayout(d), release11(d), perUserColumns(d, v12), strayIndexes(d, v12)];
}
