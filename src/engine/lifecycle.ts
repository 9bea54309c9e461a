/** Reading, changing and deleting memories of one user. */
import { classify, sectorsOf } from '../core/classify.js';
import { DEFAULT_REINFORCE_BOOST, clamp01, decayedSalience, salienceAnchor } from '../core/decay.js';
import { sectorLambda } from '../core/sectors.js';
import { simhash } from '../core/simhash.js';
import type { MemoryRecord } from '../core/types.js';
import { notFound, validationError } from '../errors.js';
import { userKey, type UserScope } from '../store/scope.js';
import type { DeletedCounts, MemoryPatch } from '../store/store.js';
import type { HistoryView, ListInput, MemoryView, UpdateInput } from './api.js';
import type { EngineContext } from './context.js';
import { embedItems } from './embedding.js';
import { optionalInt, optionalNumber, optionalObject, optionalSector, optionalTags, requireText } from './validate.js';
import { toMemoryView, vectorSectors } from './views.js';

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;
const LIST_ORDERS = ['created_desc', 'updated_desc', 'salience_desc', 'last_seen_desc'] as const;
/** A reinforcement that lifts salience above this is logged as a consolidation (v1.2 `stats` row). */
const CONSOLIDATION_LEVEL = 0.8;

async function mustGet(ctx: EngineContext, scope: UserScope, id: unknown): Promise<MemoryRecord> {
  const found = await ctx.store.getMemory(scope, requireText(id, 'id'));
  if (!found) throw notFound();
  return found;
}

async function view(ctx: EngineContext, scope: UserScope, m: MemoryRecord): Promise<MemoryView> {
  const vectors = await ctx.store.getVectors(scope, [m.id]);
  return toMemoryView(m, vectorSectors(vectors.get(m.id), m.primarySector));
}

export async function getMemory(ctx: EngineContext, scope: UserScope, id: string): Promise<MemoryView> {
  return view(ctx, scope, await mustGet(ctx, scope, id));
}

export async function listMemories(ctx: EngineContext, scope: UserScope, input: ListInput = {}): Promise<MemoryView[]> {
  const order = input.order ?? 'created_desc';
  if (!LIST_ORDERS.includes(order))
    throw validationError(`order must be one of ${LIST_ORDERS.join(', ')}`, { field: 'order' });
  const sector = optionalSector(input.sector);
  const rows = await ctx.store.listMemories(scope, {
    limit: optionalInt(input.limit, 'limit', 1, MAX_LIST_LIMIT) ?? DEFAULT_LIST_LIMIT,
    offset: optionalInt(input.offset, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    ...(sector ? { sectors: [sector] } : {}),
    ...(input.createdFrom !== undefined
      ? { createdFrom: optionalNumber(input.createdFrom, 'createdFrom', 0, Number.MAX_SAFE_INTEGER)! }
      : {}),
    order,
  });
  const vectors = await ctx.store.getVectors(
    scope,
    rows.map((m) => m.id),
  );
  return rows.map((m) => toMemoryView(m, vectorSectors(vectors.get(m.id), m.primarySector)));
}

/** v1.2: tags and metadata are replaced when given; new content is re-classified and re-embedded. */
export async function updateMemory(
  ctx: EngineContext,
  scope: UserScope,
  id: string,
  input: UpdateInput,
): Promise<MemoryView> {
  if (input === null || typeof input !== 'object') throw validationError('update must be an object');
  const content = input.content === undefined ? undefined : requireText(input.content, 'content');
  const tags = optionalTags(input.tags);
  const metadata = optionalObject(input.metadata, 'metadata');
  return ctx.userLock.run(userKey(scope), async () => {
    const current = await mustGet(ctx, scope, id);
    const patch: MemoryPatch = { updatedAt: ctx.now(), bumpVersion: true };
    if (tags !== undefined) patch.tags = tags;
    if (metadata !== undefined) patch.meta = metadata;
    if (content !== undefined && content !== current.content) {
      const c = classify(content, (metadata ?? current.meta).sector);
      const [e] = await embedItems(ctx.embedder, [{ text: content, sectors: sectorsOf(c) }]);
      // v1.2 kept the old simhash and decay rate; both follow the new content here.
      Object.assign(patch, {
        content,
        simhash: simhash(content),
        primarySector: c.primary,
        decayLambda: sectorLambda(c.primary),
        vectors: e!.vectors,
        meanVec: e!.mean,
        meanDim: e!.mean?.length ?? null,
      });
    }
    if (!(await ctx.store.updateMemory(scope, current.id, patch))) throw notFound();
    ctx.summaries.markDirty(scope);
    return view(ctx, scope, await mustGet(ctx, scope, current.id));
  });
}

export async function deleteMemory(ctx: EngineContext, scope: UserScope, id: string): Promise<void> {
  requireText(id, 'id');
  const ok = await ctx.userLock.run(userKey(scope), () => ctx.store.deleteMemory(scope, id, ctx.now()));
  if (!ok) throw notFound();
  ctx.summaries.markDirty(scope);
}

/** Adds `boost` to the (decayed) salience, capped at 1, and marks the memory seen. */
export async function reinforceMemory(
  ctx: EngineContext,
  scope: UserScope,
  id: string,
  boost = DEFAULT_REINFORCE_BOOST,
): Promise<number> {
  const amount = optionalNumber(boost, 'boost', 0, 1)!;
  const m = await mustGet(ctx, scope, id);
  const now = ctx.now();
  const current = decayedSalience(
    m.salience,
    sectorLambda(m.primarySector),
    now - salienceAnchor(m.lastSeenAt, ctx.decay.lastRunAt),
  );
  const salience = clamp01(current + amount);
  if (!(await ctx.store.reinforceMemory(scope, { id: m.id, salience, lastSeenAt: now }))) throw notFound();
  if (salience > CONSOLIDATION_LEVEL) await ctx.store.recordUserStat(scope, 'consolidate', 1, now);
  return salience;
}

/**
 * What happened to a memory, oldest first, also after it was deleted. Not found when the scope
 * has neither the memory nor any history of it (a memory from before history has none).
 */
export async function memoryHistory(ctx: EngineContext, scope: UserScope, id: string): Promise<HistoryView[]> {
  const entries = await ctx.store.memoryHistory(scope, requireText(id, 'id'));
  if (entries.length === 0) await mustGet(ctx, scope, id);
  return entries.map((e) => ({
    event: e.event,
    content: e.content,
    previous_content: e.previousContent,
    detail: e.detail,
    actor: e.actor,
    at: e.at,
  }));
}

export async function linkMemories(
  ctx: EngineContext,
  scope: UserScope,
  srcId: string,
  dstIds: readonly string[],
  weight: number,
): Promise<number> {
  requireText(srcId, 'srcId');
  if (!Array.isArray(dstIds) || dstIds.some((d) => typeof d !== 'string'))
    throw validationError('dstIds must be an array of ids', { field: 'dstIds' });
  const w = optionalNumber(weight, 'weight', 0, 1)!;
  const owned = new Set((await ctx.store.getMemories(scope, [srcId, ...dstIds])).map((m) => m.id));
  if (!owned.has(srcId)) return 0;
  const links = [...new Set(dstIds)]
    .filter((d) => d !== srcId && owned.has(d))
    .map((dstId) => ({ srcId, dstId, weight: w }));
  if (links.length > 0) await ctx.store.upsertWaypoints(scope, links);
  return links.length;
}

export async function deleteUser(ctx: EngineContext, scope: UserScope): Promise<DeletedCounts> {
  return ctx.userLock.run(userKey(scope), async () => {
    // A summary rebuild still queued would recreate the users row after the delete.
    await ctx.summaries.flush(scope);
    const counts = await ctx.store.deleteUserData(scope);
    ctx.summaries.discard(scope);
    return counts;
  });
}
