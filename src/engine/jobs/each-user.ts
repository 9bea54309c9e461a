/** Jobs work user by user: the only cross-user step is listing the users. */
import { storedUserScope, type UserScope } from '../../store/scope.js';
import type { EngineContext } from '../context.js';

export async function forEachUser(ctx: EngineContext, work: (scope: UserScope) => Promise<number>): Promise<number> {
  let total = 0;
  for (const id of await ctx.store.adminListUsers()) {
    const scope = storedUserScope(id);
    try {
      total += await work(scope);
    } catch (err) {
      // One user's broken data must not stop the job for everyone else.
      ctx.log.error('job step failed for a user', { user: id, err });
    }
  }
  return total;
}
