/**
 * The composite query score. Unlike v1.2 (sigmoid, then a per-query z-score that gives a
 * lone result 0) the score is a fixed weighted mean of parts in [0, 1], so it means the
 * same thing across queries and `minScore` is usable.
 */
import { clamp01 } from './decay.js';
import { SECTOR_CONFIGS, resonance } from './sectors.js';
import type { Sector } from './types.js';

export interface ScoreParts {
  similarity: number;
  overlap: number;
  waypoint: number;
  recency: number;
  keyword: number;
  tag: number;
  salience: number;
}

const WEIGHTS: Readonly<ScoreParts> = {
  similarity: 0.42,
  overlap: 0.14,
  keyword: 0.16,
  waypoint: 0.06,
  recency: 0.06,
  salience: 0.16,
  tag: 0.15,
};

/** 1 − e^(−3s) (v1.2), rescaled so a perfect match still scores 1. */
const shapeSimilarity = (s: number): number => (1 - Math.exp(-3 * Math.max(0, s))) / (1 - Math.exp(-3));

/** How fast earned parts (salience, recency) fade for a candidate less relevant than the best: (relevance / best)^n. */
const EARNED_FADE = 8;

/** A candidate's weighted parts: those that answer the query and those it has earned over time, summed apart. */
export interface Weighed {
  /** How well the memory answers this query: the mean of the asked parts, in [0, 1]. */
  relevance: number;
  askedSum: number;
  earnedSum: number;
  /** Sum of the weights counted. */
  total: number;
}

export function weigh(parts: ScoreParts, queryHasTags: boolean): Weighed {
  const w = WEIGHTS;
  const tag = queryHasTags ? w.tag : 0;
  const askedSum =
    w.similarity * clamp01(shapeSimilarity(parts.similarity)) +
    w.overlap * clamp01(parts.overlap) +
    w.keyword * clamp01(parts.keyword) +
    w.waypoint * clamp01(parts.waypoint) +
    tag * clamp01(parts.tag);
  const askedTotal = w.similarity + w.overlap + w.keyword + w.waypoint + tag;
  return {
    relevance: askedSum / askedTotal,
    askedSum,
    earnedSum: w.salience * clamp01(parts.salience) + w.recency * clamp01(parts.recency),
    total: askedTotal + w.salience + w.recency,
  };
}

/** How well the memory answers this query (every part but the earned ones), in [0, 1]. */
export function relevance(parts: ScoreParts, queryHasTags: boolean): number {
  return weigh(parts, queryHasTags).relevance;
}

/**
 * The tag term only counts when the query names tags. Salience and recency count in full for
 * candidates about as relevant as the best one (`bestRelevance`, this query's strongest) and
 * fade below it: being recalled often reorders near-equals but cannot lift a memory over a
 * clearly better match (with one user's 300 look-alike facts, reinforced ones otherwise
 * outranked the fact a query named by its unique word). Without `bestRelevance` the memory is
 * taken as the best.
 */
export function compositeScore(parts: ScoreParts, queryHasTags: boolean, bestRelevance?: number): number {
  return scoreOf(weigh(parts, queryHasTags), bestRelevance);
}

/** {@link compositeScore} of parts already weighed. */
export function scoreOf(w: Weighed, bestRelevance?: number): number {
  const fade =
    bestRelevance !== undefined && bestRelevance > w.relevance ? (w.relevance / bestRelevance) ** EARNED_FADE : 1;
  return (w.askedSum + fade * w.earnedSum) / w.total;
}

/**
 * Similarity of one memory to the query: the best of (a) its best single-sector cosine and
 * (b) v1.2's multi-vector fusion — the query-sector-weighted mean of its sector cosines
 * times the resonance between its primary sector and the query's.
 */
export function fusedSimilarity(
  perSector: ReadonlyMap<Sector, number>,
  memorySector: string,
  queryPrimary: Sector,
): number {
  let best = 0;
  let weighted = 0;
  let weights = 0;
  perSector.forEach((cosine, sector) => {
    // A vector pointing away from the query is as unrelated as an orthogonal one.
    const sim = Math.max(0, cosine);
    const qw = SECTOR_CONFIGS[sector].queryWeight;
    const w = sector === queryPrimary ? qw.match : qw.other;
    weighted += sim * w;
    weights += w;
    best = Math.max(best, sim);
  });
  const fused = weights > 0 ? (weighted / weights) * resonance(memorySector, queryPrimary) : 0;
  return Math.max(0, Math.min(1, Math.max(best, fused)));
}

/** Share of the query's tags that the memory carries. */
export function tagMatch(queryTags: readonly string[], memoryTags: readonly string[] | null): number {
  if (queryTags.length === 0) return 0;
  const have = new Set((memoryTags ?? []).map((t) => t.toLowerCase()));
  return queryTags.filter((t) => have.has(t.toLowerCase())).length / queryTags.length;
}
