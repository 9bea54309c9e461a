/**
 * Which query terms are worth searching for. Ranking costs one bm25 (SQLite) or ts_rank
 * (PostgreSQL) evaluation per row holding any searched term, and a common term weighs little
 * while it multiplies that work (at 100,000 rows, "of" alone is 7,000 rows, ten milliseconds).
 * So the search first takes the rarest terms, as many as fit a budget of rows (at least the
 * rarest one); the caller searches again with every term when those match nothing. The budget
 * counts a term's rows across all users: narrowing by owner still reads every posting of the
 * term. The owner term itself is used only while the user holds less than an eighth of the
 * rows, since matching it for a user who holds most rows is a pass over all of them. Document
 * counts are cached for a while: a slightly stale count changes no ranking that matters.
 */
import type { Dialect } from './dialect.js';
import type { Op } from './driver.js';
import type { UserScope } from './scope.js';

const FRESH_MS = 60_000;
const MAX_TERMS = 50_000;
const OWNER_SHARE = 1 / 8;
/** Rows a first search may rank. */
const ROW_BUDGET = 2000;

interface Counted {
  n: number;
  at: number;
}

export class TermShares {
  readonly #docs = new Map<string, Counted>();
  #rows: Counted | null = null;
  /** When a dialect that lists every counted term (`listsAll`) was last read in full. */
  #listedAt: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** The terms to search first, and whether to narrow by the owner term. */
  *plan(d: Dialect, scope: UserScope, tokens: readonly string[]): Op<{ terms: readonly string[]; byOwner: boolean }> {
    const stats = d.termStats;
    if (!stats) return { terms: tokens, byOwner: false };
    const at = this.now();
    const fresh = (c: Counted | null | undefined): c is Counted => c !== null && c !== undefined && at - c.at < FRESH_MS;
    if (!fresh(this.#rows)) this.#rows = { n: Number((yield stats.rows()).rows[0]?.n ?? 0), at };
    if (this.#rows.n <= ROW_BUDGET) return { terms: tokens, byOwner: true };
    const owner = stats.ownerTerm?.(scope);
    if (stats.listsAll) {
      if (this.#listedAt === null || at - this.#listedAt >= FRESH_MS) {
        this.#docs.clear();
        for (const r of (yield stats.docs([])).rows) this.#docs.set(String(r.term), { n: Number(r.n), at });
        this.#listedAt = at;
      }
    } else {
      if (this.#docs.size > MAX_TERMS) this.#docs.clear();
      const stale = [...new Set(owner === undefined ? tokens : [...tokens, owner])].filter((t) => !fresh(this.#docs.get(t)));
      if (stale.length > 0) {
        // Terms in no row have no vocabulary row: they count 0.
        const found = new Map((yield stats.docs(stale)).rows.map((r) => [String(r.term), Number(r.n)]));
        for (const t of stale) this.#docs.set(t, { n: found.get(t) ?? 0, at });
      }
    }
    const rows = this.#rows.n;
    // A term without a count (unlisted by a `listsAll` dialect) is in no row, or rarer than any listed.
    const docs = (t: string) => this.#docs.get(t)?.n ?? 0;
    const byOwner = owner !== undefined && docs(owner) < rows * OWNER_SHARE;
    const rarestFirst = [...tokens].sort((a, b) => docs(a) - docs(b));
    let spent = 0;
    // Terms in no row cost nothing; the rarest term that is in some row is always searched.
    const terms = rarestFirst.filter((t) => {
      const n = docs(t);
      if (spent > 0 && spent + n > ROW_BUDGET) return false;
      spent += n;
      return true;
    });
    return { terms, byOwner };
  }
}
