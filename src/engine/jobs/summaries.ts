/** Periodic refresh of every user's summary (v1.2: every OM_USER_SUMMARY_INTERVAL minutes). */
import type { EngineContext } from '../context.js';
import { saveSummary } from '../summaries.js';
import { forEachUser } from './each-user.js';

export function runSummaryRefresh(ctx: EngineContext): Promise<number> {
  return forEachUser(ctx, async (scope) => {
    await saveSummary(ctx.store, scope, ctx.now());
    return 1;
  });
}
