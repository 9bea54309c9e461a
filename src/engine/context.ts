/** What every engine operation works with. Built once by `Memory.open`. */
import type { Config } from '../config.js';
import type { Embedder } from '../embed/embedder.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { DeferredWrites } from './deferred-writes.js';
import type { KeyedLock } from './keyed-lock.js';
import type { RecallWriter } from './recall-writer.js';
import type { SummaryQueue } from './summaries.js';

export interface EngineContext {
  readonly config: Readonly<Config>;
  readonly store: Store;
  readonly embedder: Embedder;
  readonly log: Logger;
  readonly now: () => number;
  /** Serialises the writes of one user (dedup must see the previous add). */
  readonly userLock: KeyedLock;
  readonly summaries: SummaryQueue;
  /** End of the last decay run; salience written before it has already been decayed up to it. */
  readonly decay: { lastRunAt: number | null };
  /** Queries in progress, bounded by config.engine.maxActiveQueries. */
  readonly activeQueries: { count: number };
  /** Writes run after the reply (a query's reinforcement); a user's other operations wait for them. */
  readonly deferred: DeferredWrites;
  /** Query reinforcements, written several to a transaction. */
  readonly recalls: RecallWriter;
}
