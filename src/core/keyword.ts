/**
 * Hybrid keyword score (reference §5.10): exact phrase, weighted keyword overlap (tokens,
 * their character 3-grams, word bigrams and trigrams) and a bounded BM25 term.
 */
import { canonicalTokens, isKeyword } from './tokens.js';

const PHRASE = 1.0;
const OVERLAP = 0.8;
const BM25_WEIGHT = 0.5;
const MAX_SCORE = PHRASE + OVERLAP + BM25_WEIGHT;
const MIN_KEPT = 0.05;
const BM25 = { k1: 1.5, b: 0.75, n: 10_000, avgdl: 100 };

function bm25(queryTerms: readonly string[], docTokens: readonly string[]): number {
  const norm = BM25.k1 * (1 - BM25.b + (BM25.b * docTokens.length) / BM25.avgdl);
  let score = 0;
  for (const q of queryTerms) {
    let f = 0;
    for (const t of docTokens) if (t === q) f++;
    if (f === 0) continue;
    const idf = Math.log((BM25.n + 1) / (f + 0.5));
    score += (idf * f * (BM25.k1 + 1)) / (f + norm);
  }
  return score;
}

/** A text with its canonical tokens, so callers scoring many pairs tokenize each text once. */
export interface TokenizedText {
  text: string;
  tokens: readonly string[];
}

export const tokenized = (text: string): TokenizedText => ({ text, tokens: canonicalTokens(text) });

/**
 * A query's keywords, built once per query: tokens, their character 3-grams, word bigrams and
 * trigrams (n-grams weigh 2, others 1). Word keys are spaced (` a b `) so a candidate is matched
 * by substring search in its spaced keyword tokens instead of building its own key set.
 */
export interface KeywordQuery {
  phrase: string;
  minLength: number;
  tokens: readonly string[];
  /** The distinct keyword tokens. */
  terms: readonly string[];
  words: ReadonlyMap<string, number>;
  grams: ReadonlySet<string>;
  total: number;
}

export function keywordQuery(query: TokenizedText, minLength: number): KeywordQuery {
  const tokens = query.tokens.filter((t) => isKeyword(t, minLength));
  const words = new Map<string, number>();
  const grams = new Set<string>();
  tokens.forEach((t, i) => {
    words.set(` ${t} `, 1);
    if (t.length > 3) for (let j = 0; j + 3 <= t.length; j++) grams.add(t.slice(j, j + 3));
    if (i > 0) words.set(` ${tokens[i - 1]} ${t} `, 2);
    if (i > 1) words.set(` ${tokens[i - 2]} ${tokens[i - 1]} ${t} `, 2);
  });
  let total = grams.size;
  for (const w of words.values()) total += w;
  return { phrase: query.text.trim().toLowerCase(), minLength, tokens, terms: [...new Set(tokens)], words, grams, total };
}

/** Matched share of the query's key weight, in [0, 1]; `dTokens` are the candidate's keyword tokens. */
export function keywordOverlap(query: KeywordQuery, dTokens: readonly string[]): number {
  if (query.total === 0) return 0;
  // Tokens hold no spaces, so neither a spaced word key nor a 3-gram can match across two of them.
  const spaced = ` ${dTokens.join(' ')} `;
  const long = dTokens.filter((t) => t.length > 3).join(' ');
  let matched = 0;
  for (const [key, w] of query.words) if (spaced.includes(key)) matched += w;
  for (const g of query.grams) if (long.includes(g)) matched++;
  return matched / query.total;
}

/** In [0, 1]: v1.2's raw keyword score divided by its maximum; 0 below v1.2's 0.05 cut-off. */
export function keywordScore(query: KeywordQuery, content: TokenizedText): number {
  if (query.phrase.length === 0) return 0;
  let raw = content.text.toLowerCase().includes(query.phrase) ? PHRASE : 0;
  const dTokens = content.tokens.filter((t) => isKeyword(t, query.minLength));
  raw += OVERLAP * keywordOverlap(query, dTokens);
  raw += BM25_WEIGHT * Math.min(1, bm25(query.terms, dTokens) / 10);
  return raw > MIN_KEPT ? raw / MAX_SCORE : 0;
}
