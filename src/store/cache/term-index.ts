/**
 * One user's inverted index over content terms (core/tokens termTokens, as vocabulary ids), ranked by BM25 with
 * the user's own term statistics: a term is rare or common within this user's memories, not
 * across everyone's. A search reads the postings of the rarest query terms first and stops
 * adding terms past a budget of postings: common terms weigh little in BM25 but would multiply
 * the work (at 100,000 memories a word like "the" holds most of them).
 */

import { topByScore } from '../../core/top.js';
import { grown } from '../grown.js';

const K1 = 1.2;
const B = 0.75;
/** Postings a search may read; the rarest term present is always read. */
const POSTING_BUDGET = 4000;
/** A posting packs the row and the term's count in it (capped at 15): row << TF_BITS | tf. */
const TF_BITS = 4;
const TF_MAX = (1 << TF_BITS) - 1;

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
  #lengths = new Int32Array(64);
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
    return this.#entries * 8 + this.#postings.length * 48 + this.#lengths.byteLength;
  }

  add(row: number, terms: ArrayLike<number>): void {
    if (terms.length === 0) return;
    this.#lengths = grown(this.#lengths, row + 1);
    this.#lengths[row] = terms.length;
    this.#docs++;
    this.#tokens += terms.length;
    for (const [term, tf] of counts(terms)) {
      let list = this.#postings[term];
      if (!list) this.#postings[term] = list = [];
      list.push((row << TF_BITS) | Math.min(tf, TF_MAX));
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
      const at = list.findIndex((p) => p >> TF_BITS === row);
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
    if (this.#scores.length < this.#lengths.length)
      this.#scores = new Float64Array(Math.ceil(this.#lengths.length * 1.25));
    const scores = this.#scores;
    const lengths = this.#lengths;
    const touched: number[] = [];
    // BM25's length norm, K1·(1 − B + B·length/avg), as fixed + perToken·length.
    const fixed = K1 * (1 - B);
    const perToken = (K1 * B) / avg;
    let read = 0;
    for (const { list } of terms) {
      if (read > 0 && read + list.length > POSTING_BUDGET) break;
      read += list.length;
      const weight = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)) * (K1 + 1);
      for (let i = 0; i < list.length; i++) {
        const p = list[i]!;
        const row = p >> TF_BITS;
        const tf = p & TF_MAX;
        if (scores[row] === 0) touched.push(row);
        scores[row] = scores[row]! + (weight * tf) / (tf + fixed + perToken * lengths[row]!);
      }
    }
    const top = topByScore(
      touched,
      limit,
      (row) => scores[row]!,
      (row) => this.keyOf(row),
    ).map((row) => ({ row, score: scores[row]! }));
    for (const row of touched) scores[row] = 0;
    return top;
  }
}

function counts(terms: ArrayLike<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < terms.length; i++) out.set(terms[i]!, (out.get(terms[i]!) ?? 0) + 1);
  return out;
}
