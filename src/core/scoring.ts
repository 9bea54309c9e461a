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

function weighted(parts: ScoreParts, queryHasTags: boolean, keys: (key: keyof ScoreParts) => boolean): { sum: number; total: number } {
  const shaped: ScoreParts = { ...parts, similarity: shapeSimilarity(parts.similarity) };
  let sum = 0;
  let total = 0;
  for (const key of Object.keys(WEIGHTS) as Array<keyof ScoreParts>) {
    if ((key === 'tag' && !queryHasTags) || !keys(key)) continue;
    sum += WEIGHTS[key] * Math.min(1, Math.max(0, shaped[key]));
    total += WEIGHTS[key];
  }
  return { sum, total };
}

/** How well the memory answers this query (every part but the earned ones), in [0, 1]. */
export function relevance(parts: ScoreParts, queryHasTags: boolean): number {
  const r = weighted(parts, queryHasTags, (key) => !EARNED.has(key));
  return r.total > 0 ? r.sum / r.total : 0;
}

/**
 * The tag term only counts when the query names tags. Salience and recency count in full for
 * candidates about as relevant as the best one (`bestRelevance`, this query's strongest) and
 * fade below it: being recalled often reorders near-equals but cannot lift a memory over a
 * clearly better match (with one user's 300 look-alike facts, reinforced ones otherwise
 * outranked the fact a query named by its unique word).
 */
export function compositeScore(parts: ScoreParts, queryHasTags: boolean, bestRelevance = relevance(parts, queryHasTags)): number {
  const asked = weighted(parts, queryHasTags, (key) => !EARNED.has(key));
  const earned = weighted(parts, queryHasTags, (key) => EARNED.has(key));
  const own = asked.total > 0 ? asked.sum / asked.total : 0;
  const fade = bestRelevance > own ? (own / bestRelevance) ** EARNED_FADE : 1;
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
