/**
 * Waypoint expansion (reference §5.9): breadth-first from the direct candidates through the
 * user's links, one batched store read per hop. A reached memory's weight is
 * parent × edge × 0.8; weaker than 0.1 is not followed. Unlike v1.2 (every seed 1.0) a seed
 * starts at its own relevance, so a link from a barely related candidate counts for little.
 */
import type { UserScope } from '../store/scope.js';
import type { Store } from '../store/store.js';

const HOPS = 2;
const DAMPING = 0.8;
const MIN_WEIGHT = 0.1;

export interface Reach {
  /** Strongest waypoint support from another candidate (0 when none). */
  weight: number;
  /** Ids from the seed to this memory; `[id]` for direct candidates. */
  path: string[];
}

export async function expandViaWaypoints(
  store: Store,
  scope: UserScope,
  /** Direct candidates and their relevance in [0, 1]. */
  seeds: ReadonlyMap<string, number>,
  maxNew: number,
): Promise<Map<string, Reach>> {
  const reach = new Map<string, Reach>([...seeds.keys()].map((id) => [id, { weight: 0, path: [id] }]));
  const strength = new Map<string, number>(seeds);
  let frontier = [...seeds.keys()];
  let added = 0;
  for (let hop = 0; hop < HOPS && frontier.length > 0; hop++) {
    const edges = await store.outgoingWaypoints(scope, frontier);
    const next: string[] = [];
    const ordered = [...edges].sort((a, b) => strength.get(b.srcId)! * b.weight - strength.get(a.srcId)! * a.weight);
    for (const e of ordered) {
      if (e.dstId === e.srcId) continue;
      const w = strength.get(e.srcId)! * e.weight * DAMPING;
      if (w < MIN_WEIGHT) continue;
      const known = reach.get(e.dstId);
      if (known) {
        if (w > known.weight) known.weight = w;
        continue;
      }
      if (added >= maxNew) continue;
      added++;
      reach.set(e.dstId, { weight: w, path: [...reach.get(e.srcId)!.path, e.dstId] });
      strength.set(e.dstId, w);
      next.push(e.dstId);
    }
    frontier = next;
  }
  return reach;
}
