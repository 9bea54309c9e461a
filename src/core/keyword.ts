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

function keywords(tokens: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  tokens.forEach((t, i) => {
    out.set(t, 1);
    if (t.length > 3) for (let j = 0; j + 3 <= t.length; j++) out.set(`#${t.slice(j, j + 3)}`, 1);
    if (i > 0) out.set(`${tokens[i - 1]}_${t}`, 2);
    if (i > 1) out.set(`${tokens[i - 2]}_${tokens[i - 1]}_${t}`, 2);
  });
  return out;
}

function bm25(queryTokens: readonly string[], docTokens: readonly string[]): number {
  const tf = new Map<string, number>();
  for (const t of docTokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  const norm = BM25.k1 * (1 - BM25.b + (BM25.b * docTokens.length) / BM25.avgdl);
  let score = 0;
  for (const q of new Set(queryTokens)) {
    const f = tf.get(q);
    if (!f) continue;
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

/** In [0, 1]: v1.2's raw keyword score divided by its maximum; 0 below v1.2's 0.05 cut-off. */
export function keywordScore(query: TokenizedText, content: TokenizedText, minLength: number): number {
  const q = query.text.trim().toLowerCase();
  if (q.length === 0) return 0;
  let raw = content.text.toLowerCase().includes(q) ? PHRASE : 0;
  const qTokens = query.tokens.filter((t) => isKeyword(t, minLength));
  const dTokens = content.tokens.filter((t) => isKeyword(t, minLength));
  const qk = keywords(qTokens);
  const dk = keywords(dTokens);
  let total = 0;
  let matched = 0;
  for (const [k, w] of qk) {
    total += w;
    if (dk.has(k)) matched += w;
  }
  if (total > 0) raw += OVERLAP * (matched / total);
  raw += BM25_WEIGHT * Math.min(1, bm25(qTokens, dTokens) / 10);
  return raw > MIN_KEPT ? raw / MAX_SCORE : 0;
}
