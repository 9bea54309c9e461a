/**
 * Data repairs for databases written by v1.2 (see fixtures/v1.2/README.md): links take the
 * owner of their source memory, links across users or to missing memories are dropped,
 * duplicate links keep the strongest weight, shifted co-activation rows get their weight back,
 * and vectors take their memory's owner. Memories are never touched.
 */
import { SECTORS } from '../../core/types.js';
import type { TableNames } from '../dialect.js';
import { MAX_USER_ID_LENGTH } from '../scope.js';
import { raw, sameUser, sql, type Stmt } from '../sql.js';
import type { MigrationDdl } from './steps.js';
import type { MigrationContext } from './types.js';

const sameOwner = sameUser('ms.user_id', 'md.user_id');

/** Joins each link to its two memories (ids are uuid on PostgreSQL, text in waypoints). */
function linkJoin(ddl: MigrationDdl): Stmt {
  const t = ddl.tables;
  return sql`${raw(t.waypoints)} w
    LEFT JOIN ${raw(t.memories)} ms ON ${raw(ddl.memoryIdText('ms'))} = w.src_id
    LEFT JOIN ${raw(t.memories)} md ON ${raw(ddl.memoryIdText('md'))} = w.dst_id`;
}

/** Every count in one pass over the links (each pass joins every link to two memories). */
export async function linkRepairCounts(ctx: MigrationContext, ddl: MigrationDdl): Promise<Record<string, number>> {
  const from = linkJoin(ddl);
  const valid = `ms.id IS NOT NULL AND md.id IS NOT NULL AND ${sameOwner}`;
  const counts: Record<string, string> = {
    'waypoints.before': '1 = 1',
    'waypoints.shifted_columns_repaired': ddl.shiftedWaypoint ?? '1 = 0',
    'waypoints.missing_memory_dropped': 'ms.id IS NULL OR md.id IS NULL',
    'waypoints.cross_user_dropped': `ms.id IS NOT NULL AND md.id IS NOT NULL AND NOT ${sameOwner}`,
    valid,
    'waypoints.owner_corrected': `${valid} AND NOT ${sameUser('w.user_id', 'ms.user_id')}`,
  };
  const sums = Object.values(counts).map((where, i) => `SUM(CASE WHEN ${where} THEN 1 ELSE 0 END) AS c${i}`);
  const {
    rows: [totals],
  } = await ctx.run(sql`SELECT ${raw(sums.join(', '))} FROM ${from}`);
  const {
    rows: [pairs],
  } = await ctx.run(
    sql`SELECT COUNT(*) AS n FROM (SELECT w.src_id, w.dst_id FROM ${from} WHERE ${raw(valid)} GROUP BY w.src_id, w.dst_id) x`,
  );
  const out = Object.fromEntries(Object.keys(counts).map((k, i) => [k, Number(totals?.[`c${i}`] ?? 0)]));
  out['waypoints.duplicates_merged'] = (out.valid ?? 0) - Number(pairs?.n ?? 0);
  delete out.valid;
  return out;
}

/** The INSERT that fills the re-keyed table: one row per (src, dst), the strongest weight. */
export function rekeyedLinks(ddl: MigrationDdl, temp: string): Stmt {
  return sql`INSERT INTO ${raw(temp)} (src_id, dst_id, user_id, weight, created_at, updated_at)
    SELECT w.src_id, w.dst_id, MIN(ms.user_id), MAX(${raw(ddl.waypointWeight)}), MIN(w.created_at),
      MAX(COALESCE(w.updated_at, w.created_at))
    FROM ${linkJoin(ddl)}
    WHERE ms.id IS NOT NULL AND md.id IS NOT NULL AND ${raw(sameOwner)}
    GROUP BY w.src_id, w.dst_id`;
}

export async function repairVectorOwners(ctx: MigrationContext, t: TableNames): Promise<void> {
  const orphans = await ctx.run(
    sql`DELETE FROM ${raw(t.vectors)} WHERE NOT EXISTS (SELECT 1 FROM ${raw(t.memories)} m WHERE m.id = ${raw(t.vectors)}.id)`,
  );
  ctx.report('vectors.orphans_dropped', orphans.changes);
  const owners = await ctx.run(sql`UPDATE ${raw(t.vectors)}
    SET user_id = (SELECT m.user_id FROM ${raw(t.memories)} m WHERE m.id = ${raw(t.vectors)}.id)
    WHERE EXISTS (SELECT 1 FROM ${raw(t.memories)} m WHERE m.id = ${raw(t.vectors)}.id
      AND NOT ${raw(sameUser('m.user_id', `${t.vectors}.user_id`))})`);
  ctx.report('vectors.owner_corrected', owners.changes);
}

/** Rows upstream wrote into the wrong columns, as `where` clauses over `memories` (verify counts what is left). */
export function misplacedValues(storedType: ((column: string) => string) | null): Record<string, string> {
  const sectors = SECTORS.map((s) => `'${s}'`).join(', ');
  return {
    ...(storedType ? { 'memories.segment_not_integer': `${storedType('segment')} <> 'integer'` } : {}),
    'memories.version_null': 'version IS NULL',
    'memories.unknown_sector': `primary_sector NOT IN (${sectors})`,
    'memories.overlong_user_id': `length(user_id) > ${MAX_USER_ID_LENGTH}`,
  };
}

/**
 * Values upstream wrote into the wrong columns (the root-child ingest row of every 1.x-to-head
 * SQLite file, and the text `segment` every later row inherited from it): internal columns get a
 * valid value; what a user may recognise is kept and counted.
 */
export async function repairMisplacedValues(
  ctx: MigrationContext,
  memories: string,
  storedType: ((column: string) => string) | null,
) {
  const where = misplacedValues(storedType);
  const change = async (what: string, text: string) => ctx.report(what, (await ctx.run(sql`${raw(text)}`)).changes);
  if (where['memories.segment_not_integer']) {
    await change(
      'memories.segment_not_integer_reset',
      `UPDATE ${memories} SET segment = 0 WHERE ${where['memories.segment_not_integer']}`,
    );
  }
  await change('memories.version_null_set_1', `UPDATE ${memories} SET version = 1 WHERE version IS NULL`);
  // '' and NULL are both the default user to every interface; one spelling keeps the scope one scope.
  await change('memories.empty_user_id_made_default', `UPDATE ${memories} SET user_id = NULL WHERE user_id = ''`);
  for (const what of ['memories.unknown_sector', 'memories.overlong_user_id']) {
    const { rows } = await ctx.run(sql`SELECT COUNT(*) AS n FROM ${raw(memories)} WHERE ${raw(where[what]!)}`);
    ctx.report(`${what}_kept`, Number(rows[0]?.n ?? 0));
  }
}
