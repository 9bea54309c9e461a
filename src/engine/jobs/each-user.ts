/** Jobs work user by user: the only cross-user step is listing the users. */
import { storedUserScope, type UserScope } from '../../store/scope.js';
import type { EngineContext } from '../context.js';

/**
 * Runs a job's step for every user and returns the total. With `statType`, what the step did to
 * each user's memories is recorded as that user's `stats` row (the counters the user may see).
 */
export async function forEachUser(
  ctx: EngineContext,
  work: (scope: UserScope) => Promise<number>,
  statType?: string,
): Promise<number> {
  let total = 0;
  for (const id of await ctx.store.adminListUsers()) {
    const scope = storedUserScope(id);
    try {
      const count = await work(scope);
      if (statType && count > 0) await ctx.store.recordUserStat(scope, statType, count, ctx.now());
      total += count;
    } catch (err) {
      // One user's broken data must not stop the job for everyone else.
      ctx.log.error('job step failed for a user', { user: id, err });
    }
  }
  return total;
}
