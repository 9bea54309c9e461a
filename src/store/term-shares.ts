/**
 * Which query terms are worth searching for. SQLite's bm25 floors the IDF of a term found in at
 * least half of the indexed rows at 1e-6, so such a term adds next to nothing to any rank, yet
 * matching it means ranking most of the table (hundreds of milliseconds at 100,000 rows). The
 * search first leaves those terms out (the caller searches again with them when that finds
 * fewer rows than asked, so no hit is lost). Document counts are cached for a
 * while: a term near the threshold weighs almost nothing either way, so a slightly stale count
 * changes no ranking that matters.
 */
import type { Dialect } from './dialect.js';
import type { Op } from './driver.js';

const FRESH_MS = 60_000;
const MAX_TERMS = 50_000;

interface Counted {
  n: number;
  at: number;
}

export class TermShares {
  readonly #docs = new Map<string, Counted>();
  #rows: Counted | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  *informative(d: Dialect, tokens: readonly string[]): Op<readonly string[]> {
    const stats = d.termStats;
    if (!stats || tokens.length < 2) return tokens;
    const at = this.now();
    const fresh = (c: Counted | null | undefined): c is Counted => c !== null && c !== undefined && at - c.at < FRESH_MS;
    if (!fresh(this.#rows)) this.#rows = { n: Number((yield stats.rows()).rows[0]?.n ?? 0), at };
    if (this.#docs.size > MAX_TERMS) this.#docs.clear();
    for (const t of tokens) {
      if (fresh(this.#docs.get(t))) continue;
      this.#docs.set(t, { n: Number((yield stats.docs(t)).rows[0]?.n ?? 0), at });
    }
    const half = this.#rows.n / 2;
    const kept = tokens.filter((t) => this.#docs.get(t)!.n < half);
    return kept.length > 0 ? kept : tokens;
  }
}
