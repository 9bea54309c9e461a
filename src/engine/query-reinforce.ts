/**
 * What a query teaches the graph, written in one transaction: returned memories gain salience
 * (retrieval trace) and are marked seen, links on their paths strengthen, and the top results
 * become linked to each other (co-activation).
 */
import { WAYPOINT_MAX_WEIGHT, WAYPOINT_PRUNE_BELOW, WAYPOINT_PATH_BOOST, coactivatedWeight, retrievalBoost } from '../core/decay.js';
import type { UserScope } from '../store/scope.js';
import type { LinkKey } from '../store/store.js';
import type { EngineContext } from './context.js';
import type { Scored } from './query.js';

/** Only the strongest few results are co-activated, so one query writes a bounded number of links. */
const COACTIVATED = 4;

const keyOf = (l: LinkKey) => `${l.srcId}\u0000${l.dstId}`;

export async function reinforceResults(ctx: EngineContext, scope: UserScope, results: readonly Scored[]): Promise<void> {
  const now = ctx.now();
  const onPath = new Set(results.flatMap((r) => r.path.slice(1).map((dstId, i) => keyOf({ srcId: r.path[i]!, dstId }))));
  const top = results.slice(0, COACTIVATED).map((r) => r.memory);
  /** Co-activated pairs, each with how far apart in time its two memories were last seen. */
  const coactivated = new Map<string, number>();
  for (const a of top) for (const b of top) if (a.id !== b.id) coactivated.set(keyOf({ srcId: a.id, dstId: b.id }), a.lastSeenAt - b.lastSeenAt);
  const links = [...new Set([...onPath, ...coactivated.keys()])].map((k) => {
    const [srcId, dstId] = k.split('\u0000') as [string, string];
    return { srcId, dstId };
  });
  await ctx.store.recordRecall(scope, {
    salience: results.map((r) => ({
      id: r.memory.id,
      salience: retrievalBoost(r.memory.salience),
      lastSeenAt: now,
      feedbackScore: 0.9 * r.memory.feedbackScore + 0.1 * r.score,
    })),
    links,
    weigh(link, current) {
      const key = keyOf(link);
      // A path link only strengthens if it still exists.
      const walked = onPath.has(key) && current !== undefined ? Math.min(WAYPOINT_MAX_WEIGHT, current + WAYPOINT_PATH_BOOST) : current;
      const gap = coactivated.get(key);
      if (gap === undefined) return walked === current ? undefined : walked;
      const linked = coactivatedWeight(walked ?? 0, gap);
      // A link that pruning would delete at once is not worth writing.
      if (linked >= WAYPOINT_PRUNE_BELOW) return linked;
      return walked === current ? undefined : walked;
    },
  });
}
