/**
 * A long document as one write: its root memory, its sections, each section's `parent_id` and
 * the root's link to every section go into the store in one transaction, so a crash or a failure
 * part-way leaves either the whole document or none of it (a root announcing sections that were
 * never stored was possible when they were three writes).
 */
import { actorOf, userKey, type UserScope } from '../store/scope.js';
import type { AddResult, DocumentInput } from './api.js';
import { addLocked, checkInput } from './add.js';
import type { EngineContext } from './context.js';

export async function addDocument(ctx: EngineContext, scope: UserScope, input: DocumentInput): Promise<AddResult[]> {
  const inputs = [input.root, ...input.sections];
  inputs.forEach(checkInput);
  return ctx.userLock.run(userKey(scope), async () => {
    /** Links of a root that repeats a memory the user already has, written after the insert. */
    const laterLinks: Array<{ srcId: string; dstId: string; weight: number }> = [];
    const queued = inputs.map((input) => ({ input, actor: actorOf(scope) }));
    const results = await addLocked(ctx, scope, queued, ctx.config.maxMemoriesPerUser, (out, rows) => {
      const rootId = out[0]!.id;
      const sectionIds = new Set(out.slice(1).map((r) => r.id));
      sectionIds.delete(rootId);
      for (const row of rows) {
        if (sectionIds.has(row.memory.id)) row.memory.meta = { ...row.memory.meta, parent_id: rootId };
      }
      const rootRow = rows.find((r) => r.memory.id === rootId);
      if (!rootRow) {
        for (const dstId of sectionIds) laterLinks.push({ srcId: rootId, dstId, weight: input.weight });
        return;
      }
      // The root's own nearest-neighbour links may already name a section: one link each, at the document's weight.
      const own = rootRow.waypoints.filter((w) => !sectionIds.has(w.dstId));
      rootRow.waypoints = [...own, ...[...sectionIds].map((dstId) => ({ dstId, weight: input.weight }))];
    });
    // That root was stored whole by an earlier ingest of the same document: these links only add new sections.
    if (laterLinks.length > 0) await ctx.store.upsertWaypoints(scope, laterLinks);
    ctx.summaries.markDirty(scope);
    return results;
  });
}
