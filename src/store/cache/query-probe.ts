/**
 * One query's vectors against a user's sector indexes. A small index (searched exactly) is
 * scanned once per sector, and that one pass answers both the nearest neighbours and the
 * cosine of any candidate; a partitioned one is probed for neighbours and read row by row for
 * candidates.
 */
import type { Sector } from '../../core/types.js';
import type { VectorHit, VectorProbe } from '../store.js';
import {
  cosineAt,
  exactDots,
  exactRows,
  memoryRowsOf,
  nearestRows,
  rowOfMemory,
  unit,
  type UnitMatrix,
} from '../vector-index.js';

interface SectorQuery {
  sector: Sector;
  index: UnitMatrix;
  /** The query at unit length. */
  q: Float32Array;
  /** Products with every row; null: partitioned; undefined: not computed yet. */
  dots?: Float32Array | null;
  /** Where the products go. */
  dotsInto: Float32Array;
}

export class QueryProbe implements VectorProbe {
  readonly #sectors: SectorQuery[];

  constructor(
    queries: ReadonlyArray<{ sector: Sector; index: UnitMatrix; query: Float32Array }>,
    /** A memory's row in the user model, by which the indexes find its vectors. */
    private readonly memoryRowOf: (id: string) => number | undefined,
  ) {
    // One buffer holds the unit queries and the products of the indexes searched exactly: a typed
    // array with a buffer of its own costs near a microsecond to allocate.
    const buffer = new Float32Array(queries.reduce((n, { index, query }) => n + query.length + exactRows(index), 0));
    let at = 0;
    this.#sectors = queries.map(({ sector, index, query }) => {
      const q = unit(query, buffer.subarray(at, (at += query.length)));
      return { sector, index, q, dotsInto: buffer.subarray(at, (at += exactRows(index))) };
    });
  }

  nearest(sector: Sector, k: number): VectorHit[] {
    const s = this.#sectors.find((x) => x.sector === sector);
    return s ? nearestRows(s.index, s.q, k, this.#dots(s), memoryRowsOf(s.index, this.memoryRowOf)) : [];
  }

  similarities(id: string): ReadonlyMap<Sector, number> {
    const memoryRow = this.memoryRowOf(id);
    return memoryRow === undefined ? new Map() : this.similaritiesAt(memoryRow);
  }

  similaritiesAt(memoryRow: number): ReadonlyMap<Sector, number> {
    const out = new Map<Sector, number>();
    for (const s of this.#sectors) {
      const row = rowOfMemory(s.index, memoryRow, this.memoryRowOf);
      if (row !== undefined) out.set(s.sector, cosineAt(s.index, s.q, row, this.#dots(s)));
    }
    return out;
  }

  #dots(s: SectorQuery): Float32Array | null {
    if (s.dots === undefined) s.dots = exactDots(s.index, s.q, s.dotsInto);
    return s.dots;
  }
}
