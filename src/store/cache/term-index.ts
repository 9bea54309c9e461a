/**
 * One user's inverted index over canonical content tokens (core/tokens), ranked by BM25 with
 * the user's own term statistics: a term is rare or common within this user's memories, not
 * across everyone's. A search reads the postings of the rarest query terms first and stops
 * adding terms past a budget of postings: common terms weigh little in BM25 but would multiply
 * the work (at 100,000 memories a word like "the" holds most of them).
 */

import { topByScore } from '../../core/top.js';

const K1 = 1.2;
const B = 0.75;
/** Postings a search may read; the rarest term present is always read. */
const POSTING_BUDGET = 4000;
/** A posting packs the row and the term's count in it (capped): row * TF_SPAN + tf. */
const TF_SPAN = 16;

export interface TermHit {
  row: number;
  score: number;
}

export class TermIndex {
  /** `keyOf(row)` breaks ties between equal scores, so results do not depend on row numbering. */
  constructor(private readonly keyOf: (row: number) => string) {}

  readonly #postings = new Map<string, number[]>();
  /** Token count per row (0 for rows not indexed). */
  readonly #lengths: number[] = [];
  #docs = 0;
  #tokens = 0;
  #entries = 0;

  /** Indexed rows. */
  get docs(): number {
    return this.#docs;
  }

  /** Approximate heap bytes held. */
  get bytes(): number {
    return this.#entries * 8 + this.#postings.size * 96 + this.#lengths.length * 8;
  }

  add(row: number, tokens: readonly string[]): void {
    if (tokens.length === 0) return;
    this.#lengths[row] = tokens.length;
    this.#docs++;
    this.#tokens += tokens.length;
    for (const [term, tf] of counts(tokens)) {
      let list = this.#postings.get(term);
      if (!list) this.#postings.set(term, (list = []));
      list.push(row * TF_SPAN + Math.min(tf, TF_SPAN - 1));
      this.#entries++;
    }
  }

  /** Drops the spare capacity lists grew with (after indexing many rows at once). */
  compact(): void {
    for (const [term, list] of this.#postings) this.#postings.set(term, list.slice());
  }

  /** Removes a row indexed with exactly these tokens. */
  remove(row: number, tokens: readonly string[]): void {
    if (tokens.length === 0 || !this.#lengths[row]) return;
    this.#lengths[row] = 0;
    this.#docs--;
    this.#tokens -= tokens.length;
    for (const term of new Set(tokens)) {
      const list = this.#postings.get(term);
      if (!list) continue;
      const at = list.findIndex((p) => Math.floor(p / TF_SPAN) === row);
      if (at < 0) continue;
      list[at] = list[list.length - 1]!;
      list.pop();
      this.#entries--;
      if (list.length === 0) this.#postings.delete(term);
    }
  }

  /** The `limit` best rows for the query's tokens, best first (ties: lower key first). */
  search(queryTokens: readonly string[], limit: number): TermHit[] {
    if (limit <= 0 || this.#docs === 0) return [];
    const terms = [...new Set(queryTokens)]
      .map((term) => ({ term, list: this.#postings.get(term) }))
      .filter((t): t is { term: string; list: number[] } => t.list !== undefined)
      .sort((a, b) => a.list.length - b.list.length);
    const n = this.#docs;
    const avg = this.#tokens / n;
    const scores = new Map<number, number>();
    let read = 0;
    for (const { list } of terms) {
      if (read > 0 && read + list.length > POSTING_BUDGET) break;
      read += list.length;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const p of list) {
        const row = Math.floor(p / TF_SPAN);
        const tf = p % TF_SPAN;
        const norm = K1 * (1 - B + (B * this.#lengths[row]!) / avg);
        scores.set(row, (scores.get(row) ?? 0) + (idf * tf * (K1 + 1)) / (tf + norm));
      }
    }
    return topByScore(scores, limit, ([, score]) => score, ([row]) => this.keyOf(row)).map(([row, score]) => ({ row, score }));
  }
}

function counts(tokens: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tokens) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}
