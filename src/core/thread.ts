/**
 * Threads: memories added with the same `thread_id` in their metadata (a conversation, a
 * session, a document read in order) are linked in the order they were added, both ways (the
 * link forward weighs more), so a query that finds one turn brings the turns beside it within
 * reach: an answer is often worded apart from its question, in the next turn.
 */

/** The metadata key that names a memory's thread. */
export const THREAD_KEY = 'thread_id';
/**
 * Weight of the link from a memory to the next in its thread (a similarity link weighs its
 * cosine). The link back weighs `OM_THREAD_BACK_WEIGHT` (0.6): a turn is answered by the one
 * after it more often than by the one before.
 */
export const THREAD_LINK_WEIGHT = 0.9;
const MAX_THREAD_CHARS = 256;

/** The thread a memory's metadata names, or null (absent, not a string, blank or too long). */
export function threadOf(meta: Readonly<Record<string, unknown>> | null | undefined): string | null {
  const t = meta?.[THREAD_KEY];
  return typeof t === 'string' && t.trim().length > 0 && t.length <= MAX_THREAD_CHARS ? t : null;
}

/** {@link threadOf} for metadata as stored (JSON text); parses only text that mentions the key. */
export function threadOfJson(metaJson: string): string | null {
  if (!metaJson.includes(`"${THREAD_KEY}"`)) return null;
  try {
    return threadOf(JSON.parse(metaJson) as Record<string, unknown>);
  } catch {
    return null;
  }
}
