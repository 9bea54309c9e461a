/** Waypoint pruning (reference §5.9): links weaker than 0.05 are deleted, user by user. */
import { WAYPOINT_PRUNE_BELOW } from '../../core/decay.js';
import type { EngineContext } from '../context.js';
import { forEachUser } from './each-user.js';

export async function runPrune(ctx: EngineContext): Promise<number> {
  const pruned = await forEachUser(ctx, (scope) => ctx.store.pruneWaypoints(scope, WAYPOINT_PRUNE_BELOW), 'prune');
  await ctx.store.recordStat('prune', pruned, ctx.now());
  return pruned;
}
