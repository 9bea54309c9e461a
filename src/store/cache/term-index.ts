/**
 * One user's inverted index over canonical content tokens (core/tokens, as vocabulary ids), ranked by BM25 with
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

  /** Postings by term id. */
  #postings: Array<number[] | undefined> = [];
  /** Token count per row (0 for rows not indexed). */
  readonly #lengths: number[] = [];
  /** Per-row score accumulator of a search, all zero between searches. */
  #scores = new Float64Array(0);
  #docs = 0;
  #tokens = 0;
  #entries = 0;

  /** Indexed rows. */
  get docs(): number {
    return this.#docs;
  }

  /** Approximate heap bytes held. */
  get bytes(): number {
    return this.#entries * 8 + this.#postings.length * 48 + this.#lengths.length * 8;
  }

  add(row: number, terms: ArrayLike<number>): void {
    if (terms.length === 0) return;
    this.#lengths[row] = terms.length;
    this.#docs++;
    this.#tokens += terms.length;
    for (const [term, tf] of counts(terms)) {
      let list = this.#postings[term];
      if (!list) this.#postings[term] = list = [];
      list.push(row * TF_SPAN + Math.min(tf, TF_SPAN - 1));
      this.#entries++;
    }
  }

  /** Drops the spare capacity lists grew with (after indexing many rows at once). */
  compact(): void {
    this.#postings = this.#postings.map((list) => list?.slice());
  }

  /** Removes a row indexed with exactly these tokens. */
  remove(row: number, terms: ArrayLike<number>): void {
    if (terms.length === 0 || !this.#lengths[row]) return;
    this.#lengths[row] = 0;
    this.#docs--;
    this.#tokens -= terms.length;
    for (const term of counts(terms).keys()) {
      const list = this.#postings[term];
      if (!list) continue;
      const at = list.findIndex((p) => Math.floor(p / TF_SPAN) === row);
      if (at < 0) continue;
      list[at] = list[list.length - 1]!;
      list.pop();
      this.#entries--;
      if (list.length === 0) this.#postings[term] = undefined;
    }
  }

  /** The `limit` best rows for the query's term ids, best first (ties: lower key first). */
  search(queryTerms: readonly number[], limit: number): TermHit[] {
    if (limit <= 0 || this.#docs === 0) return [];
    const terms = [...new Set(queryTerms)]
      .flatMap((term) => (this.#postings[term] ? [{ list: this.#postings[term]! }] : []))
      .sort((a, b) => a.list.length - b.list.length);
    const n = this.#docs;
    const avg = this.#tokens / n;
    // Scores accumulate in a buffer kept between searches (a map per search was most of a query's garbage).
    if (this.#scores.length < this.#lengths.length) this.#scores = new Float64Array(Math.ceil(this.#lengths.length * 1.25));
    const scores = this.#scores;
    const touched: number[] = [];
    let read = 0;
    for (const { list } of terms) {
      if (read > 0 && read + list.length > POSTING_BUDGET) break;
      read += list.length;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const p of list) {
        const row = Math.floor(p / TF_SPAN);
        const tf = p % TF_SPAN;
        const norm = K1 * (1 - B + (B * this.#lengths[row]!) / avg);
        if (scores[row] === 0) touched.push(row);
        scores[row]! += (idf * tf * (K1 + 1)) / (tf + norm);
      }
    }
    const top = topByScore(touched, limit, (row) => scores[row]!, (row) => this.keyOf(row)).map((row) => ({ row, score: scores[row]! }));
    for (const row of touched) scores[row] = 0;
    return top;
  }
}

function counts(terms: ArrayLike<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < terms.length; i++) out.set(terms[i]!, (out.get(terms[i]!) ?? 0) + 1);
  return out;
}
