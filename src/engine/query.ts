/**
 * Query (reference §5.10, fixed): candidates come only from the caller's own data — vector
 * neighbours in every searched sector plus text hits — are expanded through the user's
 * waypoints, scored with the composite score and returned with their path and parts. Everything
 * after the embedding call reads the user's in-process view: no round trip per candidate.
 */
import { classify } from '../core/classify.js';
import { clamp01, decayedSalience, recency, salienceAnchor } from '../core/decay.js';
import { fuseRanks } from '../core/fusion.js';
import { keywordQuery, keywordScore, tokenized } from '../core/keyword.js';
import { fusedSimilarity, scoreOf, tagMatch, weigh, type ScoreParts, type Weighed } from '../core/scoring.js';
import { sectorLambda } from '../core/sectors.js';
import { overlapShare, overlapTokens } from '../core/tokens.js';
import { topByScore } from '../core/top.js';
import { SECTORS, type Sector } from '../core/types.js';
import { OmError } from '../errors.js';
import type { UserScope } from '../store/scope.js';
import type { RecallMemory, UserView, VectorProbe } from '../store/store.js';
import type { QueryInput, QueryMatch, QueryResult } from './api.js';
import type { EngineContext } from './context.js';
import { expandViaWaypoints } from './expand.js';
import { planQuery, type QueryPlan } from './query-input.js';
import { reinforceResults } from './query-reinforce.js';
import { contextScores } from './text-context.js';
import { vectorSectors } from './views.js';

const CANDIDATES_PER_K = 3;
const MIN_CANDIDATES = 24;
/** A text hit below this share of the best hit's rank is no candidate by text. */
const TEXT_FLOOR = 0.25;

export interface Scored {
  memory: RecallMemory;
  /** The memory's salience decayed to the query's time. */
  salience: number;
  /** Cosine with the query per sector the memory has a comparable vector in. */
  cosines: ReadonlyMap<Sector, number>;
  path: string[];
  parts: ScoreParts;
  score: number;
}

function passesFilters(m: RecallMemory, plan: QueryPlan): boolean {
  if (plan.sectors && !plan.sectors.includes(m.primarySector as Sector)) return false;
  if (plan.since !== null && m.createdAt < plan.since) return false;
  if (plan.until !== null && m.createdAt > plan.until) return false;
  if (plan.tags.length > 0 && tagMatch(plan.tags, m.tags) < 1) return false;
  return true;
}

function perList(plan: QueryPlan): number {
  return Math.max(MIN_CANDIDATES, plan.k * CANDIDATES_PER_K);
}

/** Vector candidates worth scoring beside the text hits (more when filters may drop some). */
function keptCandidates(plan: QueryPlan): number {
  const filtered =
    plan.sectors || plan.since !== null || plan.until !== null || plan.tags.length > 0 || plan.minSalience > 0;
  return perList(plan) * (filtered ? SECTORS.length + 1 : 1);
}

/**
 * The direct candidates, each with its preliminary relevance in [0, 1]: every text hit (its
 * rank relative to the best hit, or its cosine if higher),
 * and the `keptCandidates` vector neighbours with the best cosine in any searched sector. Taking
 * each neighbour's best cosine among the sectors' lists is exact for those kept: a memory whose
 * best sector did not list it is beaten there by a whole list of others.
 */
function seeds(
  plan: QueryPlan,
  view: UserView,
  textRank: ReadonlyMap<number, number>,
  probe: VectorProbe,
): Map<number, number> {
  // Indexed loops and forEach: entry arrays and iterators were a large part of a query's garbage.
  const cosine = new Map<number, number>();
  for (const sector of plan.sectors ?? SECTORS) {
    const hits = probe.nearest(sector, perList(plan));
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i]!;
      if (h.row >= 0) cosine.set(h.row, Math.max(cosine.get(h.row) ?? 0, Math.min(1, h.similarity)));
    }
  }
  const out = new Map<number, number>();
  textRank.forEach((rank, row) => out.set(row, Math.max(rank, cosine.get(row) ?? 0)));
  const vectorOnly: number[] = [];
  cosine.forEach((_, row) => {
    if (!out.has(row)) vectorOnly.push(row);
  });
  const best = topByScore(
    vectorOnly,
    keptCandidates(plan),
    (row) => cosine.get(row)!,
    (row) => view.idAt(row)!,
  );
  for (const row of best) out.set(row, cosine.get(row)!);
  return out;
}

/**
 * Text hits (and their contextual neighbours) as candidates, by score relative to the best. Hits far below the best matched
 * only words that are common among the user's memories: they are left to the vector search.
 */
function textCandidates(scores: ReadonlyMap<number, number>): Map<number, number> {
  let best = 0;
  scores.forEach((s) => (best = Math.max(best, s)));
  const out = new Map<number, number>();
  scores.forEach((s, row) => {
    if (best > 0 && s >= TEXT_FLOOR * best) out.set(row, s / best);
  });
  return out;
}

export async function queryMemories(ctx: EngineContext, scope: UserScope, input: QueryInput): Promise<QueryResult> {
  const plan = planQuery(input, ctx.config.engine.reinforceOnQuery);
  if (ctx.activeQueries.count >= ctx.config.engine.maxActiveQueries)
    throw new OmError('unavailable', 'too many concurrent queries; retry shortly');
  ctx.activeQueries.count++;
  try {
    const scored = await rank(ctx, scope, plan);
    const top = scored.slice(0, plan.k);
    if (plan.reinforce && top.length > 0)
      await ctx.deferred.defer(scope, 'query reinforcement', () => reinforceResults(ctx, scope, top));
    return { query: plan.query, matches: top.map(toMatch) };
  } finally {
    ctx.activeQueries.count--;
  }
}

/**
 * The `n` highest scores of `scores`: every text hit passes its score to all its links, and
 * scoring each of those as a candidate cost a query more than the few that could rank.
 */
function strongest(scores: Map<number, number>, n: number): Map<number, number> {
  if (scores.size <= n) return scores;
  const rows = [...scores.keys()].sort((a, b) => scores.get(b)! - scores.get(a)! || a - b);
  return new Map(rows.slice(0, n).map((row) => [row, scores.get(row)!]));
}

/** Text candidates, with the memories linked to text hits at `share` of their context score. */
function withContext(
  text: ReadonlyMap<number, number>,
  context: ReadonlyMap<number, number>,
  share: number,
): Map<number, number> {
  const out = new Map(text);
  context.forEach((s, row) => out.set(row, Math.max(out.get(row) ?? 0, share * s)));
  return out;
}

async function rank(ctx: EngineContext, scope: UserScope, plan: QueryPlan): Promise<Scored[]> {
  const now = ctx.now();
  const queryClass = classify(plan.query);
  const query = tokenized(plan.query);
  // The user's view (one epoch read) needs no query vector: it overlaps the embedding call.
  const [embedded, view] = await Promise.all([
    ctx.embedder.embed(
      SECTORS.map((sector) => ({ text: plan.query, sector })),
      { scope },
    ),
    ctx.store.view(scope),
  ]);
  // Content words, or every token when the query has only function words ("where is it?"):
  // what the overlap counts and the text search weighs (function words match most memories).
  const counted = overlapTokens(query.tokens);
  // As ids in the user's vocabulary, as the memories' tokens are held (-1: no memory has it).
  const countedTerms = counted.map((t) => view.terms.find(t) ?? -1);
  const probe = view.probe(new Map(SECTORS.map((s, i) => [s, embedded[i]!])));
  const hits = view.searchText(counted, perList(plan));
  const textRank = textCandidates(new Map(hits.map((h) => [h.row, h.rank])));
  const contextShare = ctx.config.engine.contextShare;
  const contextRank =
    contextShare > 0 ? strongest(textCandidates(contextScores(view, hits)), perList(plan)) : new Map<number, number>();
  // Candidates are keyed by their row in the view from here on: it is not written to until the ranking is done.
  const direct = seeds(plan, view, withContext(textRank, contextRank, contextShare), probe);
  if (direct.size === 0) return [];
  const keywords = keywordQuery(query, ctx.config.engine.keywordMinLength, view.terms);
  const tagged = plan.tags.length > 0;
  const kept: Scored[] = [];
  const weights: Weighed[] = [];
  const bm25: number[] = [];
  const context: number[] = [];
  let best = 0;
  expandViaWaypoints(view, direct, plan.k * 2).forEach((reach, row) => {
    const m = view.memoryAt(row);
    if (!m || !passesFilters(m, plan)) return;
    const salience = decayedSalience(
      m.salience,
      sectorLambda(m.primarySector),
      now - salienceAnchor(m.lastSeenAt, ctx.decay.lastRunAt),
    );
    if (salience < plan.minSalience) return;
    // Vectors of another model (upgraded, not yet re-embedded) have no similarity: they cannot be compared.
    const cosines = probe.similaritiesAt(row);
    const parts: ScoreParts = {
      similarity: fusedSimilarity(cosines, m.primarySector, queryClass.primary),
      overlap: overlapShare(countedTerms, m.terms),
      waypoint: reach.weight,
      recency: recency(m.lastSeenAt, now),
      // The text rank brings what the in-process keyword score lacks: term rarity (IDF) within the user.
      keyword: (keywordScore(keywords, m.content, m.terms) + (textRank.get(row) ?? 0)) / 2,
      tag: tagMatch(plan.tags, m.tags),
      salience,
    };
    const weighed = weigh(parts, tagged);
    if (weighed.relevance > best) best = weighed.relevance;
    kept.push({ memory: m, salience, cosines, path: reach.path, parts, score: 0 });
    weights.push(weighed);
    bm25.push(textRank.get(row) ?? 0);
    context.push(contextRank.get(row) ?? 0);
  });
  kept.forEach((c, i) => (c.score = scoreOf(weights[i]!, best)));
  if (ctx.config.engine.rankFusion) fuseScores(kept, bm25, context, contextShare);
  return kept.filter((c) => c.score >= plan.minScore).sort((a, b) => b.score - a.score || b.salience - a.salience);
}

/**
 * Weight of each signal in the fusion. The synthetic embedder's cosine is lexical without term
 * rarity, so it counts for a quarter; waypoint support carries a thread's neighbours.
 */
const FUSED = { text: 1, similarity: 0.25, keyword: 1, waypoint: 1, tag: 1 };
/** How much what a memory has earned (salience, recency) moves it: enough to order near-equals, not more. */
const EARNED_TIE = 0.02;

/**
 * Orders the candidates by reciprocal-rank fusion of their signals (core/fusion.ts): BM25 within
 * the user, the context score (the BM25 of linked memories, weighed `contextWeight`), vector similarity, the keyword score (phrase, word sequences, grams), waypoint support
 * and tags. Each score becomes the fused value times the best composite score among them, so
 * scores keep their order and a query that nothing answers well still scores low.
 */
function fuseScores(kept: Scored[], bm25: readonly number[], context: readonly number[], contextWeight: number): void {
  const n = kept.length;
  const signal = (weight: number, of: (c: Scored, i: number) => number) => ({
    weight,
    scores: Float64Array.from(kept, of),
  });
  const fused = fuseRanks(
    [
      signal(FUSED.text, (_, i) => bm25[i]!),
      signal(contextWeight, (_, i) => context[i]!),
      signal(FUSED.similarity, (c) => c.parts.similarity),
      signal(FUSED.keyword, (c) => c.parts.keyword),
      signal(FUSED.waypoint, (c) => c.parts.waypoint),
      signal(FUSED.tag, (c) => c.parts.tag),
    ],
    n,
  );
  let top = 0;
  for (const c of kept) top = Math.max(top, c.score);
  for (let i = 0; i < n; i++) {
    const c = kept[i]!;
    const earned = (clamp01(c.parts.salience) + clamp01(c.parts.recency)) / 2;
    c.score = (top * fused[i]! * (1 + EARNED_TIE * earned)) / (1 + EARNED_TIE);
  }
}

function toMatch(s: Scored): QueryMatch {
  const m = s.memory;
  const sectors = [...s.cosines.keys()].sort();
  return {
    id: m.id,
    content: m.content,
    score: s.score,
    sectors: sectors.length > 0 ? sectors : vectorSectors(undefined, m.primarySector),
    primary_sector: m.primarySector,
    path: s.path,
    salience: s.salience,
    last_seen_at: m.lastSeenAt,
    tags: m.tags && [...m.tags],
    metadata: JSON.parse(m.metaJson) as Record<string, unknown>,
    created_at: m.createdAt,
    parts: s.parts,
  };
}
