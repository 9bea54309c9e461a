/**
 * What a query teaches the graph, in three batched writes: returned memories gain salience
 * (retrieval trace) and are marked seen, links on their paths strengthen, and the top
 * results become linked to each other (co-activation).
 */
import { WAYPOINT_MAX_WEIGHT, WAYPOINT_PRUNE_BELOW, WAYPOINT_PATH_BOOST, coactivatedWeight, retrievalBoost } from '../core/decay.js';
import type { UserScope } from '../store/scope.js';
import type { EngineContext } from './context.js';
import type { Scored } from './query.js';

/** Only the strongest few results are co-activated, so one query writes a bounded number of links. */
const COACTIVATED = 4;

export async function reinforceResults(ctx: EngineContext, scope: UserScope, results: readonly Scored[]): Promise<void> {
  const now = ctx.now();
  await ctx.store.updateSalience(
    scope,
    results.map((r) => ({
      id: r.memory.id,
      salience: retrievalBoost(r.memory.salience),
      lastSeenAt: now,
      feedbackScore: 0.9 * r.memory.feedbackScore + 0.1 * r.score,
    })),
  );
  const pathEdges = results.flatMap((r) => r.path.slice(1).map((dstId, i) => ({ srcId: r.path[i]!, dstId })));
  if (pathEdges.length > 0) await ctx.store.reinforceWaypoints(scope, pathEdges, WAYPOINT_PATH_BOOST, WAYPOINT_MAX_WEIGHT);
  const top = results.slice(0, COACTIVATED).map((r) => r.memory);
  if (top.length < 2) return;
  const existing = await ctx.store.outgoingWaypoints(scope, top.map((m) => m.id));
  const weightOf = (src: string, dst: string) => existing.find((w) => w.srcId === src && w.dstId === dst)?.weight ?? 0;
  const links = top
    .flatMap((a) =>
      top.filter((b) => b.id !== a.id).map((b) => ({ srcId: a.id, dstId: b.id, weight: coactivatedWeight(weightOf(a.id, b.id), a.lastSeenAt - b.lastSeenAt) })),
    )
    // A link that pruning would delete at once is not worth writing.
    .filter((l) => l.weight >= WAYPOINT_PRUNE_BELOW);
  if (links.length > 0) await ctx.store.upsertWaypoints(scope, links);
}
