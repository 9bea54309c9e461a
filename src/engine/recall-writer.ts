/**
 * Query reinforcements written together: recalls handed in during one turn of the event loop,
 * or while the previous group was being written, go to the store in one call (one commit instead
 * of one per query, or one transaction per user side by side; see Store.recordRecalls).
 */
import type { UserScope } from '../store/scope.js';
import type { RecallWrite, Store } from '../store/store.js';

interface Pending {
  scope: UserScope;
  recall: RecallWrite;
  resolve(): void;
  reject(err: unknown): void;
}

/** Recalls per transaction at most. */
const MAX_GROUP = 256;

export class RecallWriter {
  #queue: Pending[] = [];
  #draining: Promise<void> | null = null;

  constructor(private readonly store: Pick<Store, 'recordRecalls'>) {}

  /** Resolves once the recall is committed (or rejects with its own failure). */
  write(scope: UserScope, recall: RecallWrite): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ scope, recall, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    // Recalls of requests already received (a synchronous backend keeps the loop busy) join this group.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#queue.length > 0) {
      const group = this.#queue.splice(0, MAX_GROUP);
      try {
        const errors = await this.store.recordRecalls(group);
        group.forEach((p, i) => (errors[i] === undefined ? p.resolve() : p.reject(errors[i])));
      } catch (err) {
        for (const p of group) p.reject(err);
      }
    }
    this.#draining = null;
  }
}
