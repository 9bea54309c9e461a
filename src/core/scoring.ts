/**
 * The composite query score. Unlike v1.2 (sigmoid, then a per-query z-score that gives a
 * lone result 0) the score is a fixed weighted mean of parts in [0, 1], so it means the
 * same thing across queries and `minScore` is usable.
 */
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

/** What a memory has earned over time, independent of the query. */
const EARNED: ReadonlySet<keyof ScoreParts> = new Set(['salience', 'recency']);
/** How fast earned parts fade for a candidate less relevant than the best: (relevance / best)^n. */
const EARNED_FADE = 8;

interface Sum {
  sum: number;
  total: number;
}

/** The weighted parts, summed apart: those that answer the query, and those the memory has earned. */
function sums(parts: ScoreParts, queryHasTags: boolean): { asked: Sum; earned: Sum } {
  const shaped: ScoreParts = { ...parts, similarity: shapeSimilarity(parts.similarity) };
  const asked = { sum: 0, total: 0 };
  const earned = { sum: 0, total: 0 };
  for (const key of Object.keys(WEIGHTS) as Array<keyof ScoreParts>) {
    if (key === 'tag' && !queryHasTags) continue;
    const into = EARNED.has(key) ? earned : asked;
    into.sum += WEIGHTS[key] * Math.min(1, Math.max(0, shaped[key]));
    into.total += WEIGHTS[key];
  }
  return { asked, earned };
}

const mean = (s: Sum): number => (s.total > 0 ? s.sum / s.total : 0);

/** How well the memory answers this query (every part but the earned ones), in [0, 1]. */
export function relevance(parts: ScoreParts, queryHasTags: boolean): number {
  return mean(sums(parts, queryHasTags).asked);
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
  const { asked, earned } = sums(parts, queryHasTags);
  const own = mean(asked);
  const fade = bestRelevance !== undefined && bestRelevance > own ? (own / bestRelevance) ** EARNED_FADE : 1;
  return (asked.sum + fade * earned.sum) / (asked.total + earned.total);
}

/**
 * Similarity of one memory to the query: the best of (a) its best single-sector cosine and
 * (b) v1.2's multi-vector fusion — the query-sector-weighted mean of its sector cosines
 * times the resonance between its primary sector and the query's.
 */
export function fusedSimilarity(perSector: ReadonlyMap<Sector, number>, memorySector: string, queryPrimary: Sector): number {
  let best = 0;
  let weighted = 0;
  let weights = 0;
  for (const [sector, sim] of perSector) {
    const qw = SECTOR_CONFIGS[sector].queryWeight;
    const w = sector === queryPrimary ? qw.match : qw.other;
    weighted += sim * w;
    weights += w;
    best = Math.max(best, sim);
  }
  const fused = weights > 0 ? (weighted / weights) * resonance(memorySector, queryPrimary) : 0;
  return Math.max(0, Math.min(1, Math.max(best, fused)));
}

/** Share of the query's tags that the memory carries. */
export function tagMatch(queryTags: readonly string[], memoryTags: readonly string[] | null): number {
  if (queryTags.length === 0) return 0;
  const have = new Set((memoryTags ?? []).map((t) => t.toLowerCase()));
  return queryTags.filter((t) => have.has(t.toLowerCase())).length / queryTags.length;
}
