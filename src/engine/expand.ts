/**
 * Waypoint expansion (reference §5.9): breadth-first from the direct candidates through the
 * user's links, read from the user's in-process view. A reached memory's weight is
 * parent × edge × 0.8; weaker than 0.1 is not followed. Unlike v1.2 (every seed 1.0) a seed
 * starts at its own relevance, so a link from a barely related candidate counts for little.
 */
import type { UserView } from '../store/store.js';

const HOPS = 2;
const DAMPING = 0.8;
const MIN_WEIGHT = 0.1;

export interface Reach {
  /** Strongest waypoint support from another candidate (0 when none). */
  weight: number;
  /** Ids from the seed to this memory; `[id]` for direct candidates. */
  path: string[];
}

/** Reach by the memory's row in `view` (see {@link UserView.idAt}). */
export function expandViaWaypoints(
  view: UserView,
  /** Direct candidates by row, and their relevance in [0, 1]. */
  seeds: ReadonlyMap<number, number>,
  maxNew: number,
): Map<number, Reach> {
  const reach = new Map<number, Reach>();
  // The frontier as parallel arrays, and indexed loops: entry arrays and iterators were garbage per query.
  let rows: number[] = [];
  let strengths: number[] = [];
  seeds.forEach((strength, row) => {
    reach.set(row, { weight: 0, path: [view.idAt(row)!] });
    rows.push(row);
    strengths.push(strength);
  });
  let added = 0;
  for (let hop = 0; hop < HOPS && rows.length > 0; hop++) {
    // Strongest first, so the new memories admitted (at most `maxNew`) are the best supported.
    const edges: Array<{ src: number; dst: number; w: number }> = [];
    for (let i = 0; i < rows.length; i++) {
      const src = rows[i]!;
      const { dstRows, weights, start, count } = view.outgoingAt(src);
      for (let j = start; j < start + count; j++) {
        const w = strengths[i]! * weights[j]! * DAMPING;
        if (dstRows[j] !== src && w >= MIN_WEIGHT) edges.push({ src, dst: dstRows[j]!, w });
      }
    }
    edges.sort((a, b) => b.w - a.w);
    const nextRows: number[] = [];
    const nextStrengths: number[] = [];
    for (let i = 0; i < edges.length; i++) {
      const { src, dst, w } = edges[i]!;
      const known = reach.get(dst);
      if (known) {
        if (w > known.weight) known.weight = w;
        continue;
      }
      const id = view.idAt(dst);
      if (added >= maxNew || id === undefined) continue;
      added++;
      reach.set(dst, { weight: w, path: [...reach.get(src)!.path, id] });
      nextRows.push(dst);
      nextStrengths.push(w);
    }
    [rows, strengths] = [nextRows, nextStrengths];
  }
  return reach;
}
