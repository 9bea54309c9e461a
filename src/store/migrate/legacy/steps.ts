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
import { SECTORS } from '../../../core/types.js';
import { MAX_USER_ID_LENGTH } from '../../scope.js';
import { raw, sql } from '../../sql.js';
import type { SchemaFacts } from '../facts.js';
import type { MigrationDdl } from '../steps.js';
import type { MigrationContext, MigrationStep } from '../types.js';
import type { LegacyDialect } from './dialect.js';

/** Both sort before the common 1.2.0 step, which refuses a pre-1.2 layout. */
export const RELEASE_11_VERSION = '1.1.1';
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

async function addMissingColumns(ctx: MigrationContext, d: LegacyDialect, table: 'memories' | 'vectors' | 'waypoints', columns: Array<[string, string]>) {
  const facts = await ctx.introspect();
  for (const [name, type] of columns) {
    if (!facts.hasColumn(table, name)) await ctx.exec(`ALTER TABLE ${d.tables[table]} ${d.addColumn} ${name} ${type}`);
  }
}

async function reportChanges(ctx: MigrationContext, what: string, text: string) {
  ctx.report(what, (await ctx.run(sql`${raw(text)}`)).changes);
}

async function reportCount(ctx: MigrationContext, what: string, where: string) {
  const { rows } = await ctx.run(sql`SELECT COUNT(*) AS n FROM ${raw(where)}`);
  ctx.report(what, Number(rows[0]?.n ?? 0));
}

function release11(d: LegacyDialect): MigrationStep {
  return {
    version: RELEASE_11_VERSION,
    description: 'release 1.1.x: memories gain user_id, segment, simhash, compressed_vec, feedback_score (and any other missing v1.2 column); the 1.1.x full-text table goes',
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

/**
 * Values upstream wrote into the wrong columns (fixtures/pre-1.2/README.md, the root-child ingest
 * row): internal columns get a valid value; what a user may recognise is kept and counted.
 */
async function repairMisplacedValues(ctx: MigrationContext, d: LegacyDialect) {
  const m = d.tables.memories;
  if (d.storedType) {
    await reportChanges(ctx, 'memories.segment_not_integer_reset', `UPDATE ${m} SET segment = 0 WHERE ${d.storedType('segment')} <> 'integer'`);
  }
  await reportChanges(ctx, 'memories.version_null_set_1', `UPDATE ${m} SET version = 1 WHERE version IS NULL`);
  // '' and NULL are both the default user to every interface; one spelling keeps the scope one scope.
  await reportChanges(ctx, 'memories.empty_user_id_made_default', `UPDATE ${m} SET user_id = NULL WHERE user_id = ''`);
  const sectors = SECTORS.map((s) => `'${s}'`).join(', ');
  await reportCount(ctx, 'memories.unknown_sector_kept', `${m} WHERE primary_sector NOT IN (${sectors})`);
  await reportCount(ctx, 'memories.overlong_user_id_kept', `${m} WHERE length(user_id) > ${MAX_USER_ID_LENGTH}`);
}

/** The common 1.2.0 step sees a v1.2 layout once these steps ran, so what v1.2 adds besides columns comes from here. */
type V12 = Pick<MigrationDdl, 'createV12'>;

function perUserColumns(d: LegacyDialect, v12: V12): MigrationStep {
  return {
    version: PER_USER_COLUMNS_VERSION,
    description: "in-between schema: vectors and waypoints gain user_id (filled from their memory by 2.0.0); misplaced values repaired",
    isApplied: (f) => !f.has('memories') || (f.hasColumn('vectors', 'user_id') && f.hasColumn('waypoints', 'user_id')),
    async up(ctx) {
      await repairMisplacedValues(ctx, d);
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
  const stray = (f: SchemaFacts) => d.strayIndexes.filter((i) => f.hasIndex(i.name) && !(i.unlessTable && f.hasTable(i.unlessTable)));
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
  return [release11(d), perUserColumns(d, v12), strayIndexes(d, v12)];
}
