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

export function expandViaWaypoints(
  view: UserView,
  /** Direct candidates and their relevance in [0, 1]. */
  seeds: ReadonlyMap<string, number>,
  maxNew: number,
): Map<string, Reach> {
  const reach = new Map<string, Reach>();
  // The frontier as parallel arrays, and indexed loops: entry arrays and iterators were garbage per query.
  let ids: string[] = [];
  let strengths: number[] = [];
  seeds.forEach((strength, id) => {
    reach.set(id, { weight: 0, path: [id] });
    ids.push(id);
    strengths.push(strength);
  });
  let added = 0;
  for (let hop = 0; hop < HOPS && ids.length > 0; hop++) {
    // Strongest first, so the new memories admitted (at most `maxNew`) are the best supported.
    const edges: Array<{ src: string; dst: string; w: number }> = [];
    for (let i = 0; i < ids.length; i++) {
      const src = ids[i]!;
      const links = view.outgoing(src);
      for (let j = 0; j < links.length; j++) {
        const e = links[j]!;
        const w = strengths[i]! * e.weight * DAMPING;
        if (e.dstId !== src && w >= MIN_WEIGHT) edges.push({ src, dst: e.dstId, w });
      }
    }
    edges.sort((a, b) => b.w - a.w);
    const nextIds: string[] = [];
    const nextStrengths: number[] = [];
    for (let i = 0; i < edges.length; i++) {
      const { src, dst, w } = edges[i]!;
      const known = reach.get(dst);
      if (known) {
        if (w > known.weight) known.weight = w;
        continue;
      }
      if (added >= maxNew) continue;
      added++;
      reach.set(dst, { weight: w, path: [...reach.get(src)!.path, dst] });
      nextIds.push(dst);
      nextStrengths.push(w);
    }
    [ids, strengths] = [nextIds, nextStrengths];
  }
  return reach;
}
