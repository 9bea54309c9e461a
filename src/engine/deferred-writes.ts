/**
 * Writes a request leaves behind — a query's reinforcement — run after its reply is on its
 * way instead of before it (on PostgreSQL the recall transaction was a quarter of a query's
 * latency). A user's other operations wait for that user's deferred writes first, so a client
 * always reads what its earlier queries taught; queries themselves do not wait (concurrent
 * queries have no order to keep). Past `maxPending` writes in flight, a query waits for its own
 * write: the backlog cannot grow without bound.
 */
import type { Logger } from '../log.js';
import { userKey, type UserScope } from '../store/scope.js';

export class DeferredWrites {
  readonly #pending = new Map<string, Set<Promise<void>>>();
  #count = 0;

  constructor(
    private readonly log: Logger,
    // Under load a turn of the event loop answers a few dozen queries before any deferred write
    // starts: at 64, one query in ten at concurrency 8 waited (p95 14.5 ms; 9.2 ms at 1,024).
    private readonly maxPending = 1024,
  ) {}

  /**
   * Starts `write` once the current turn of the event loop is over (after the reply is written);
   * resolves when it is done if the backlog is full, at once otherwise. Failures are logged.
   */
  defer(scope: UserScope, what: string, write: () => Promise<void>): Promise<void> {
    const key = userKey(scope);
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(write)
      .catch((err: unknown) => this.log.warn(`${what} failed`, { err }))
      .finally(() => {
        this.#count--;
        const set = this.#pending.get(key)!;
        set.delete(done);
        if (set.size === 0) this.#pending.delete(key);
      });
    this.#count++;
    let set = this.#pending.get(key);
    if (!set) this.#pending.set(key, (set = new Set()));
    set.add(done);
    return this.#count > this.maxPending ? done : Promise.resolve();
  }

  /** Resolves when the user's writes deferred so far are done. */
  async settled(scope: UserScope): Promise<void> {
    const set = this.#pending.get(userKey(scope));
    if (set) await Promise.all(set);
  }

  /** Resolves when every write deferred so far is done (before closing the store). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending.values()].flatMap((s) => [...s]));
  }
}
