/**
 * Reflection job (reference §5.13, per user instead of across users): clusters of similar
 * recent memories become a reflective memory listing its sources; sources gain salience;
 * memories already named by an earlier reflection are not reflected again.
 */
import { clamp01 } from '../../core/decay.js';
import { REFLECTION_TAG, findReflections } from '../../core/reflect.js';
import { tokenSet } from '../../core/tokens.js';
import type { UserScope } from '../../store/scope.js';
import { addMemories } from '../add.js';
import type { EngineContext } from '../context.js';
import { saveSummary } from '../summaries.js';
import { forEachUser } from './each-user.js';

const RECENT = 100;
const SOURCE_BOOST = 1.1;
const PAST_REFLECTIONS = 1000;

async function reflectedSources(ctx: EngineContext, scope: UserScope): Promise<Set<string>> {
  const past = await ctx.store.listMemories(scope, { limit: PAST_REFLECTIONS, offset: 0, sectors: ['reflective'] });
  const ids = past.flatMap((m) =>
    m.meta.type === 'auto_reflect' && Array.isArray(m.meta.sources) ? m.meta.sources : [],
  );
  return new Set(ids.filter((x): x is string => typeof x === 'string'));
}

export async function reflectUser(ctx: EngineContext, scope: UserScope): Promise<number> {
  const recent = await ctx.store.listMemories(scope, { limit: RECENT, offset: 0, order: 'created_desc' });
  if (recent.length < ctx.config.jobs.reflectMinMemories) return 0;
  const items = recent.map((m) => ({
    id: m.id,
    primarySector: m.primarySector,
    vector: m.meanVec,
    tokens: tokenSet(m.content),
    content: m.content,
  }));
  const reflections = findReflections(items, await reflectedSources(ctx, scope));
  if (reflections.length === 0) return 0;
  const at = new Date(ctx.now()).toISOString();
  await addMemories(
    ctx,
    scope,
    reflections.map((r) => ({
      content: r.content,
      sector: 'reflective' as const,
      tags: [REFLECTION_TAG],
      metadata: { type: 'auto_reflect', sources: r.sources, freq: r.sources.length, at },
    })),
    { quota: false },
  );
  const byId = new Map(recent.map((m) => [m.id, m]));
  const sources = reflections.flatMap((r) => r.sources);
  await ctx.store.updateSalience(
    scope,
    sources.map((id) => ({ id, salience: clamp01(byId.get(id)!.salience * SOURCE_BOOST) })),
  );
  await saveSummary(ctx.store, scope, ctx.now(), reflections.length);
  return reflections.length;
}

export async function runReflection(ctx: EngineContext): Promise<number> {
  const count = await forEachUser(ctx, (scope) => reflectUser(ctx, scope), 'reflect');
  await ctx.store.recordStat('reflect', count, ctx.now());
  return count;
}
