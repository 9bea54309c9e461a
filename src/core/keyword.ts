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

/** `counts[i]`: occurrences of the query's term i among the document's `length` tokens. */
function bm25(counts: Uint16Array, length: number): number {
  const norm = BM25.k1 * (1 - BM25.b + (BM25.b * length) / BM25.avgdl);
  let score = 0;
  for (const f of counts) {
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

/** A word key: one token (weight 1), or two or three consecutive tokens (weight 2). */
interface WordKey {
  /** The tokens spaced (` a b `), so a candidate's spaced tokens contain it exactly when they hold the sequence. */
  spaced: string;
  /** Indexes of its tokens in {@link KeywordQuery.terms}. */
  parts: readonly number[];
  weight: number;
}

/**
 * A query's keywords, built once per query: tokens, their character 3-grams, word bigrams and
 * trigrams (n-grams weigh 2, others 1), each counted once.
 */
export interface KeywordQuery {
  phrase: string;
  minLength: number;
  tokens: readonly string[];
  /** The distinct keyword tokens. */
  terms: readonly string[];
  /** Index of each term in `terms`. */
  termIndex: ReadonlyMap<string, number>;
  words: readonly WordKey[];
  /** Each gram's index. */
  grams: ReadonlyMap<string, number>;
  /** Indexes of the grams each candidate token holds, filled as candidates are scored (tokens recur across them). */
  gramsIn: Map<string, readonly number[]>;
  /** Per-candidate counts of terms and grams, reused: candidates are scored one at a time. */
  counts: Uint16Array;
  found: Uint8Array;
  total: number;
}

export function keywordQuery(query: TokenizedText, minLength: number): KeywordQuery {
  const tokens = query.tokens.filter((t) => isKeyword(t, minLength));
  const terms = [...new Set(tokens)];
  const termIndex = new Map(terms.map((t, i) => [t, i]));
  const words = new Map<string, WordKey>();
  const grams = new Set<string>();
  const word = (parts: string[], weight: number) =>
    words.set(` ${parts.join(' ')} `, { spaced: ` ${parts.join(' ')} `, parts: parts.map((p) => termIndex.get(p)!), weight });
  tokens.forEach((t, i) => {
    word([t], 1);
    if (t.length > 3) for (let j = 0; j + 3 <= t.length; j++) grams.add(t.slice(j, j + 3));
    if (i > 0) word([tokens[i - 1]!, t], 2);
    if (i > 1) word([tokens[i - 2]!, tokens[i - 1]!, t], 2);
  });
  let total = grams.size;
  for (const w of words.values()) total += w.weight;
  const gramIndex = new Map([...grams].map((g, i) => [g, i]));
  return {
    phrase: query.text.trim().toLowerCase(),
    minLength,
    tokens,
    terms,
    termIndex,
    words: [...words.values()],
    grams: gramIndex,
    gramsIn: new Map(),
    counts: new Uint16Array(terms.length),
    found: new Uint8Array(gramIndex.size),
    total,
  };
}

/** Matched share of the query's key weight, in [0, 1]; `dTokens` are the candidate's keyword tokens. */
export function keywordOverlap(query: KeywordQuery, dTokens: readonly string[]): number {
  return overlapOf(query, dTokens, termCounts(query, dTokens));
}

/** Occurrences of each query term (by index in `terms`) among the document tokens. */
function termCounts(query: KeywordQuery, dTokens: readonly string[]): Uint16Array {
  const counts = query.counts.fill(0);
  for (const t of dTokens) {
    const i = query.termIndex.get(t);
    if (i !== undefined) counts[i]!++;
  }
  return counts;
}

function overlapOf(query: KeywordQuery, dTokens: readonly string[], counts: Uint16Array): number {
  if (query.total === 0) return 0;
  let matched = 0;
  let spaced: string | undefined;
  words: for (const w of query.words) {
    // A sequence needs each of its tokens: most keys fail here, without building any string.
    for (const p of w.parts) if (counts[p] === 0) continue words;
    if (w.parts.length > 1) {
      // Tokens hold no spaces, so a spaced key cannot match across two of them.
      spaced ??= ` ${dTokens.join(' ')} `;
      if (!spaced.includes(w.spaced)) continue;
    }
    matched += w.weight;
  }
  if (query.grams.size > 0) {
    // Grams come from tokens longer than 3 and match within one candidate token of that length.
    const found = query.found.fill(0);
    for (const t of dTokens) {
      if (t.length <= 3) continue;
      let held = query.gramsIn.get(t);
      if (!held) query.gramsIn.set(t, (held = gramsOf(query.grams, t)));
      for (const i of held) {
        matched += 1 - found[i]!;
        found[i] = 1;
      }
    }
  }
  return matched / query.total;
}

/** Indexes of the query grams among the token's own 3-grams (a few lookups, not one search per gram). */
function gramsOf(grams: ReadonlyMap<string, number>, token: string): number[] {
  const held: number[] = [];
  for (let j = 0; j + 3 <= token.length; j++) {
    const i = grams.get(token.slice(j, j + 3));
    if (i !== undefined) held.push(i);
  }
  return held;
}

/** In [0, 1]: v1.2's raw keyword score divided by its maximum; 0 below v1.2's 0.05 cut-off. */
export function keywordScore(query: KeywordQuery, content: TokenizedText): number {
  if (query.phrase.length === 0) return 0;
  let raw = content.text.toLowerCase().includes(query.phrase) ? PHRASE : 0;
  const dTokens = content.tokens.filter((t) => isKeyword(t, query.minLength));
  const counts = termCounts(query, dTokens);
  raw += OVERLAP * overlapOf(query, dTokens, counts);
  raw += BM25_WEIGHT * Math.min(1, bm25(counts, dTokens.length) / 10);
  return raw > MIN_KEPT ? raw / MAX_SCORE : 0;
}
