/**
 * Temporal facts and edges (upstream v1.2.3 to head; see ../ops/temporal.ts), per user. Upstream's
 * tables — without user_id up to v1.3.0, with the key's tenant at the head, and with a unique
 * key across all users — are carried into ours: facts without a user go to the default user,
 * tenants are renamed as memories are (./user-map.ts), an edge belongs to its source fact's
 * user and is dropped when its target is another user's or missing.
 */
import { raw, sameUser, sql } from '../sql.js';
import type { SchemaFacts } from './facts.js';
import { renameUsers, type UserRenames } from './user-map.js';
import type { MigrationContext } from './types.js';

export interface TemporalDdl {
  /** Quoted, qualified names of our tables, and the names of their indexes. */
  readonly facts: string;
  readonly edges: string;
  readonly factsIndex: string;
  readonly edgesIndex: string;
  /** Upstream's tables: names as introspected, and how to qualify a name. */
  readonly upstream: { facts: string; edges: string; qualify(name: string): string };
  /** Our tables and indexes, where missing. */
  create(ctx: MigrationContext): Promise<void>;
}

/** Upstream's facts table is there and is not ours (SQLite gives both one name; ours carries our index). */
function hasUpstreamFacts(f: SchemaFacts, d: TemporalDdl): boolean {
  return f.hasTable(d.upstream.facts) && f.shape.indexTables.get(d.factsIndex) !== d.upstream.facts;
}

export function temporalReady(f: SchemaFacts, d: TemporalDdl): boolean {
  return (
    f.hasIndexOn(d.factsIndex, 'temporalFacts') &&
    f.hasIndexOn(d.edgesIndex, 'temporalEdges') &&
    !hasUpstreamFacts(f, d)
  );
}

export async function migrateUpstreamFacts(ctx: MigrationContext, d: TemporalDdl, renames: UserRenames): Promise<void> {
  const f = await ctx.introspect();
  const { qualify } = d.upstream;
  const old = { facts: `${d.upstream.facts}_upstream`, edges: `${d.upstream.edges}_upstream` };
  const hasFacts = hasUpstreamFacts(f, d);
  const hasEdges = hasFacts && f.hasTable(d.upstream.edges);
  // Upstream's tables may hold our names (SQLite): moved aside first, dropped once copied.
  if (hasEdges) await ctx.exec(`ALTER TABLE ${qualify(d.upstream.edges)} RENAME TO ${old.edges}`);
  if (hasFacts) await ctx.exec(`ALTER TABLE ${qualify(d.upstream.facts)} RENAME TO ${old.facts}`);
  await d.create(ctx);
  if (!hasFacts) return;
  const cols = f.shape.tables.get(d.upstream.facts)!.columns;
  const from = raw(qualify(old.facts));
  const copied = await ctx.run(sql`INSERT INTO ${raw(d.facts)}
      (id, user_id, project_id, subject, predicate, object, valid_from, valid_to, confidence, last_updated, metadata)
    SELECT id, ${raw(cols.has('user_id') ? 'user_id' : 'NULL')}, ${raw(cols.has('project_id') ? 'project_id' : 'NULL')},
      subject, predicate, object, valid_from, valid_to, confidence, last_updated, metadata FROM ${from}`);
  ctx.report('temporal_facts.carried_over', copied.changes);
  ctx.report(
    'temporal_facts.user_renamed',
    await renameUsers(ctx, renames, d.facts, sql`id IN (SELECT id FROM ${from})`),
  );
  if (hasEdges) {
    const edges = raw(qualify(old.edges));
    const kept = await ctx.run(sql`INSERT INTO ${raw(d.edges)}
        (id, user_id, source_id, target_id, relation_type, valid_from, valid_to, weight, metadata)
      SELECT e.id, s.user_id, e.source_id, e.target_id, e.relation_type, e.valid_from, e.valid_to, e.weight, e.metadata
      FROM ${edges} e JOIN ${raw(d.facts)} s ON s.id = e.source_id JOIN ${raw(d.facts)} t ON t.id = e.target_id
      WHERE ${raw(sameUser('s.user_id', 't.user_id'))}`);
    const { rows } = await ctx.run(sql`SELECT COUNT(*) AS n FROM ${edges}`);
    ctx.report('temporal_edges.carried_over', kept.changes);
    ctx.report('temporal_edges.cross_user_or_missing_dropped', Number(rows[0]?.n ?? 0) - kept.changes);
    await ctx.exec(`DROP TABLE ${qualify(old.edges)}`);
  }
  await ctx.exec(`DROP TABLE ${qualify(old.facts)}`);
}
