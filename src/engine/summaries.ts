/**
 * User summaries. Adds only mark their user dirty; a short debounce later the summary is
 * rebuilt once for the whole burst, so the add path never waits for it. Reading a summary
 * first flushes that user's pending rebuild, so it always reflects the adds before it.
 */
import { tokenSet } from '../core/tokens.js';
import { userSummaryText, type SummaryItem } from '../core/summary.js';
import type { MemoryRecord } from '../core/types.js';
import type { Logger } from '../log.js';
import { userKey, type UserScope } from '../store/scope.js';
import type { Store } from '../store/store.js';
import type { UserRecord } from '../core/types.js';

/** v1.2 summarised the 100 newest memories. */
export const SUMMARY_WINDOW = 100;
const DEBOUNCE_MS = 250;

export function summaryItem(m: MemoryRecord): SummaryItem {
  return {
    id: m.id,
    primarySector: m.primarySector,
    vector: m.meanVec,
    tokens: tokenSet(m.content),
    content: m.content,
    salience: m.salience,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

export async function computeSummary(store: Store, scope: UserScope, now: number): Promise<string> {
  const recent = await store.listMemories(scope, { limit: SUMMARY_WINDOW, offset: 0, order: 'created_desc' });
  return userSummaryText(recent.map(summaryItem), now);
}

/** Rebuilds and stores the summary; `reflections` is added to reflection_count (v1.2 adds 1 per later rebuild). */
export async function saveSummary(
  store: Store,
  scope: UserScope,
  now: number,
  reflections?: number,
): Promise<UserRecord> {
  const existing = await store.getUser(scope);
  const text = await computeSummary(store, scope, now);
  return store.saveUserSummary(scope, text, reflections ?? (existing ? 1 : 0), now);
}

export class SummaryQueue {
  readonly #dirty = new Map<string, UserScope>();
  readonly #running = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  markDirty(scope: UserScope): void {
    if (this.#closed) return;
    this.#dirty.set(userKey(scope), scope);
    if (this.#timer === null) {
      this.#timer = setTimeout(() => void this.flushAll(), DEBOUNCE_MS);
      this.#timer.unref();
    }
  }

  /** Forgets pending work of a user whose data is gone. */
  discard(scope: UserScope): void {
    this.#dirty.delete(userKey(scope));
  }

  /** Waits for the user's pending (or running) rebuild. */
  async flush(scope: UserScope): Promise<void> {
    const key = userKey(scope);
    await this.#running.get(key);
    if (this.#dirty.has(key)) await this.#rebuild(key);
  }

  async flushAll(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.all([...this.#dirty.keys()].map((k) => this.#rebuild(k)));
    await Promise.all([...this.#running.values()]);
  }

  async close(): Promise<void> {
    await this.flushAll();
    this.#closed = true;
  }

  #rebuild(key: string): Promise<void> {
    const scope = this.#dirty.get(key);
    if (!scope) return this.#running.get(key) ?? Promise.resolve();
    this.#dirty.delete(key);
    const previous = this.#running.get(key) ?? Promise.resolve();
    const run = previous
      .then(() => saveSummary(this.store, scope, this.now()))
      .then(
        () => undefined,
        (err: unknown) => this.log.error('user summary refresh failed', { user: scope.userId, err }),
      );
    this.#running.set(key, run);
    void run.then(() => {
      if (this.#running.get(key) === run) this.#running.delete(key);
    });
    return run;
  }
}
