/**
 * Decay job (reference §5.12): each memory's salience relaxes by its sector's λ over the time
 * since its salience was last written (last sighting or last decay run, whichever is later),
 * so repeated runs apply each interval exactly once instead of compounding.
 */
import { decayedSalience, salienceAnchor } from '../../core/decay.js';
import { sectorLambda } from '../../core/sectors.js';
import type { SalienceUpdate } from '../../store/store.js';
import type { EngineContext } from '../context.js';
import { forEachUser } from './each-user.js';

const PAGE = 1000;
const EPSILON = 1e-6;

export async function runDecay(ctx: EngineContext): Promise<number> {
  const now = ctx.now();
  // Another process sharing the database (PostgreSQL) may have run decay since we last looked.
  const lookBack = Math.max(3 * ctx.config.jobs.decayIntervalMinutes * 60_000, 86_400_000);
  const recorded = await lastDecayRun(ctx, lookBack);
  const since = Math.max(ctx.decay.lastRunAt ?? 0, recorded ?? 0) || null;
  const changed = await forEachUser(
    ctx,
    async (scope) => {
      let count = 0;
      for (let offset = 0; ; offset += PAGE) {
        const page = await ctx.store.listMemories(scope, { limit: PAGE, offset, order: 'created_desc' });
        const updates: SalienceUpdate[] = [];
        for (const m of page) {
          const next = decayedSalience(
            m.salience,
            sectorLambda(m.primarySector),
            now - salienceAnchor(m.lastSeenAt, since),
          );
          if (Math.abs(next - m.salience) > EPSILON) updates.push({ id: m.id, salience: next });
        }
        if (updates.length > 0) count += await ctx.store.updateSalience(scope, updates);
        if (page.length < PAGE) return count;
      }
    },
    'decay',
  );
  ctx.decay.lastRunAt = now;
  await ctx.store.recordStat('decay', changed, now);
  return changed;
}

/** The last decay run recorded in `stats` within the look-back window (null: none, decay from last sighting). */
export async function lastDecayRun(
  ctx: Pick<EngineContext, 'store' | 'now'>,
  lookBackMs: number,
): Promise<number | null> {
  const rows = await ctx.store.statsSince(ctx.now() - lookBackMs);
  const runs = rows.filter((r) => r.type === 'decay').map((r) => r.ts);
  return runs.length > 0 ? Math.max(...runs) : null;
}
