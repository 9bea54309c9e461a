/**
 * Query (reference §5.10, fixed): candidates come only from the caller's own data — vector
 * neighbours in every searched sector plus full-text hits — are expanded through the user's
 * waypoints, scored with the composite score and returned with their path and parts.
 */
import { classify } from '../core/classify.js';
import { decayedSalience, recency, salienceAnchor } from '../core/decay.js';
import { keywordQuery, keywordScore, tokenized } from '../core/keyword.js';
import { compositeScore, fusedSimilarity, relevance, tagMatch, type ScoreParts } from '../core/scoring.js';
import { sectorLambda } from '../core/sectors.js';
import { tokenOverlap } from '../core/tokens.js';
import { SECTORS, type MemoryRecord, type Sector } from '../core/types.js';
import { OmError } from '../errors.js';
import type { UserScope } from '../store/scope.js';
import type { TextHit, VectorView } from '../store/store.js';
import type { QueryInput, QueryMatch, QueryResult } from './api.js';
import type { EngineContext } from './context.js';
import { expandViaWaypoints } from './expand.js';
import { planQuery, type QueryPlan } from './query-input.js';
import { reinforceResults } from './query-reinforce.js';
import { vectorSectors } from './views.js';

const CANDIDATES_PER_K = 3;
const MIN_CANDIDATES = 24;

export interface Scored {
  memory: MemoryRecord;
  /** Sectors the memory has comparable vectors in. */
  sectors: Sector[];
  path: string[];
  parts: ScoreParts;
  score: number;
}

function passesFilters(m: MemoryRecord, plan: QueryPlan): boolean {
  if (plan.sectors && !plan.sectors.includes(m.primarySector as Sector)) return false;
  if (plan.since !== null && m.createdAt < plan.since) return false;
  if (plan.until !== null && m.createdAt > plan.until) return false;
  if (plan.tags.length > 0 && tagMatch(plan.tags, m.tags) < 1) return false;
  return true;
}

interface Candidates {
  /** Each direct candidate with its best preliminary relevance (cosine or relative text rank). */
  relevance: Map<string, number>;
  /** Full-text rank relative to the best hit of this query, in [0, 1]. */
  textRank: Map<string, number>;
}

function perList(plan: QueryPlan): number {
  return Math.max(MIN_CANDIDATES, plan.k * CANDIDATES_PER_K);
}

async function candidates(plan: QueryPlan, text: readonly TextHit[], view: VectorView, queryVectors: Map<Sector, Float32Array>): Promise<Candidates> {
  const searched = plan.sectors ?? SECTORS;
  const vectorLists = await Promise.all(searched.map((s) => view.nearest(s, queryVectors.get(s)!, perList(plan))));
  const best = Math.max(0, ...text.map((h) => h.rank));
  const textRank = new Map(text.map((h) => [h.id, best > 0 ? Math.max(0, h.rank) / best : 0]));
  const relevance = new Map(textRank);
  for (const h of vectorLists.flat()) relevance.set(h.id, Math.max(relevance.get(h.id) ?? 0, Math.min(1, Math.max(0, h.similarity))));
  return { relevance, textRank };
}

export async function queryMemories(ctx: EngineContext, scope: UserScope, input: QueryInput): Promise<QueryResult> {
  const plan = planQuery(input, ctx.config.engine.reinforceOnQuery);
  if (ctx.activeQueries.count >= ctx.config.engine.maxActiveQueries) throw new OmError('unavailable', 'too many concurrent queries; retry shortly');
  ctx.activeQueries.count++;
  try {
    const scored = await rank(ctx, scope, plan);
    const top = scored.slice(0, plan.k);
    if (plan.reinforce && top.length > 0) await ctx.deferred.defer(scope, 'query reinforcement', () => reinforceResults(ctx, scope, top));
    return { query: plan.query, matches: top.map(toMatch) };
  } finally {
    ctx.activeQueries.count--;
  }
}

/** Memory rows are read only for this many of the strongest direct candidates (more when filters may drop some). */
function keptCandidates(plan: QueryPlan): number {
  const filtered = plan.sectors || plan.since !== null || plan.until !== null || plan.tags.length > 0 || plan.minSalience > 0;
  return perList(plan) * (filtered ? SECTORS.length + 1 : 1);
}

/**
 * The direct candidates worth reading: every full-text hit (already the best few by text) and
 * the vector candidates with the best cosine in any sector (from the in-process index, whichever
 * sector's list found them). The dropped ones are beaten on similarity by `keep` others.
 */
function strongest(direct: Candidates, similarities: ReadonlyMap<string, ReadonlyMap<Sector, number>>, keep: number): Map<string, number> {
  const byVector = [...direct.relevance]
    .filter(([id]) => !direct.textRank.has(id))
    .map(([id, r]): [string, number] => [id, Math.max(r, ...(similarities.get(id)?.values() ?? []))])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return new Map([...[...direct.textRank.keys()].map((id): [string, number] => [id, direct.relevance.get(id)!]), ...byVector.slice(0, keep)]);
}

async function rank(ctx: EngineContext, scope: UserScope, plan: QueryPlan): Promise<Scored[]> {
  const now = ctx.now();
  const queryClass = classify(plan.query);
  // Full text and the vector view need no query vector: their round trips overlap the embedding call.
  const [embedded, view, text] = await Promise.all([
    ctx.embedder.embed(SECTORS.map((sector) => ({ text: plan.query, sector })), { scope }),
    ctx.store.vectorView(scope),
    ctx.store.searchText(scope, plan.query, perList(plan)),
  ]);
  const queryVectors = new Map<Sector, Float32Array>(SECTORS.map((s, i) => [s, embedded[i]!]));
  const direct = await candidates(plan, text, view, queryVectors);
  if (direct.relevance.size === 0) return [];
  const similarities = await view.similarities(queryVectors, [...direct.relevance.keys()]);
  const seeds = strongest(direct, similarities, keptCandidates(plan));
  // The seeds' rows are read while the waypoints are walked; only memories reached through them are read after.
  const [reach, seedRows] = await Promise.all([
    expandViaWaypoints(ctx.store, scope, seeds, plan.k * 2),
    ctx.store.getMemories(scope, [...seeds.keys()], { meanVec: false }),
  ]);
  const reachedIds = [...reach.keys()].filter((id) => !seeds.has(id));
  const [reachedRows, reached] = reachedIds.length === 0
    ? [[], new Map<string, Map<Sector, number>>()]
    : await Promise.all([ctx.store.getMemories(scope, reachedIds, { meanVec: false }), view.similarities(queryVectors, reachedIds)]);
  const memories = [...seedRows, ...reachedRows];
  const query = tokenized(plan.query);
  const keywords = keywordQuery(query, ctx.config.engine.keywordMinLength);
  const queryTokens = new Set(query.tokens);
  const kept: Array<Omit<Scored, 'score'>> = [];
  for (const m of memories) {
    if (!passesFilters(m, plan)) continue;
    const salience = decayedSalience(m.salience, sectorLambda(m.primarySector), now - salienceAnchor(m.lastSeenAt, ctx.decay.lastRunAt));
    if (salience < plan.minSalience) continue;
    // Vectors of another model (upgraded, not yet re-embedded) have no similarity: they cannot be compared.
    const perSector = new Map([...(similarities.get(m.id) ?? reached.get(m.id) ?? [])].map(([sector, sim]) => [sector, Math.max(0, sim)]));
    const r = reach.get(m.id)!;
    const content = tokenized(m.content);
    const parts: ScoreParts = {
      similarity: fusedSimilarity(perSector, m.primarySector, queryClass.primary),
      overlap: tokenOverlap(queryTokens, new Set(content.tokens)),
      waypoint: r.weight,
      recency: recency(m.lastSeenAt, now),
      // The store's full-text rank brings what the in-process score lacks: term rarity (IDF) within the user.
      keyword: (keywordScore(keywords, content) + (direct.textRank.get(m.id) ?? 0)) / 2,
      tag: tagMatch(plan.tags, m.tags),
      salience,
    };
    kept.push({ memory: { ...m, salience }, sectors: [...perSector.keys()].sort(), path: r.path, parts });
  }
  const tagged = plan.tags.length > 0;
  const best = Math.max(0, ...kept.map((c) => relevance(c.parts, tagged)));
  return kept
    .map((c) => ({ ...c, score: compositeScore(c.parts, tagged, best) }))
    .filter((c) => c.score >= plan.minScore)
    .sort((a, b) => b.score - a.score || b.memory.salience - a.memory.salience);
}

function toMatch(s: Scored): QueryMatch {
  const m = s.memory;
  return {
    id: m.id,
    content: m.content,
    score: s.score,
    sectors: s.sectors.length > 0 ? s.sectors : vectorSectors(undefined, m.primarySector),
    primary_sector: m.primarySector,
    path: s.path,
    salience: m.salience,
    last_seen_at: m.lastSeenAt,
    tags: m.tags,
    metadata: m.meta,
    created_at: m.createdAt,
    parts: s.parts,
  };
}
