/**
 * The user models of this process (./user-model.ts), least recently used dropped beyond a byte
 * budget. Before a model is used, one indexed read of the user's epoch says whether anyone (this
 * process or another sharing the database) wrote since; if so, the journal entries after the
 * model's epoch name the memories to reload, and a gap in them means loading the user afresh.
 * This process's own writes are applied right after they commit, so its next query finds the
 * model current.
 */
import type { Dialect } from '../dialect.js';
import type { Driver } from '../driver.js';
import { JOURNAL_WINDOW, readEpoch, readJournal, type Change, type Journaled } from '../ops/journal.js';
import { loadChanged, loadModelData, type ModelData } from '../ops/model-data.js';
import { userKey, type UserScope } from '../scope.js';
import type { ModelStats } from '../store.js';
import { UserModel } from './user-model.js';

/** Catching up on more than this share of a model's memories costs more than loading them all. */
const MAX_CATCH_UP_SHARE = 0.5;

function merge(changes: readonly Change[]): Change {
  if (changes.some((c) => c.all)) return { all: true };
  return {
    rows: changes.flatMap((c) => c.rows ?? []),
    vectors: changes.flatMap((c) => c.vectors ?? []),
    links: changes.flatMap((c) => c.links ?? []),
  };
}

/** Lets the event loop run what waits (other users' queries) between slices of a model's build. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A model built in slices, and the time its slices took (not what ran between them). */
async function buildTimed(epoch: number, data: ModelData): Promise<{ model: UserModel; ms: number }> {
  let ms = 0;
  let slice = performance.now();
  const model = await UserModel.build(epoch, data, async () => {
    ms += performance.now() - slice;
    await nextTurn();
    slice = performance.now();
  });
  return { model, ms: ms + performance.now() - slice };
}

const changedCount = (c: Change) => new Set([...(c.rows ?? []), ...(c.vectors ?? []), ...(c.links ?? [])]).size;

export class UserModels {
  readonly #models = new Map<string, UserModel>();
  /** A load, catch-up or application running for a user; the next one waits for it. */
  readonly #busy = new Map<string, Promise<unknown>>();
  /** Epoch reads of calls made in the same tick share one statement. */
  readonly #epochReads = new Map<string, Promise<number>>();
  /** The last model build queued (see #oneAtATime). */
  #builds: Promise<unknown> = Promise.resolve();
  #bytes = 0;
  readonly #counts = { loads: 0, loadMs: 0, loadMsMax: 0, evictions: 0 };

  constructor(
    private readonly driver: Driver,
    private readonly dialect: Dialect,
    private readonly budgetBytes: number,
  ) {}

  stats(): ModelStats {
    return { users: this.#models.size, bytes: this.#bytes, budgetBytes: this.budgetBytes, ...this.#counts };
  }

  /** The user's model if this process holds one, as it is (no epoch read). */
  held(scope: UserScope): UserModel | undefined {
    return this.#models.get(userKey(scope));
  }

  /** The user's model, current as of an epoch read made now. */
  async get(scope: UserScope): Promise<UserModel> {
    const key = userKey(scope);
    const epoch = await this.#epoch(scope);
    for (;;) {
      const model = this.#models.get(key);
      if (model && model.epoch >= epoch) {
        this.#models.delete(key);
        this.#models.set(key, model);
        return model;
      }
      const busy = this.#busy.get(key);
      if (busy) await busy.catch(() => {});
      else await this.#exclusive(key, () => this.#refresh(scope, model));
    }
  }

  /**
   * Applies this process's own write, if the model was current when it began: the state of
   * what it changed is read back, or given by `known` from the model as it was.
   */
  async written(scope: UserScope, write: Journaled<unknown>, known?: (model: UserModel) => ModelData): Promise<void> {
    const key = userKey(scope);
    while (this.#busy.has(key)) await this.#busy.get(key)!.catch(() => {});
    const model = this.#models.get(key);
    if (!model || model.epoch !== write.from) return;
    if (write.change.all) return this.#drop(key);
    await this.#exclusive(key, async () => {
      const data = known ? known(model) : await this.driver.read(loadChanged(this.dialect, scope, write.change));
      if (this.#models.get(key) === model && model.epoch === write.from)
        this.#resize(model, () => model.apply(write.change, data, write.to));
    });
  }

  async #refresh(scope: UserScope, model: UserModel | undefined): Promise<void> {
    const key = userKey(scope);
    if (model) {
      const entries = await this.driver.read(readJournal(this.dialect, scope, model.epoch));
      const contiguous =
        entries.length > 0 &&
        entries.length <= JOURNAL_WINDOW &&
        entries.every((e, i) => e.epoch === model.epoch + 1 + i);
      const change = merge(entries.map((e) => e.change));
      if (contiguous && !change.all && changedCount(change) <= Math.max(16, model.size * MAX_CATCH_UP_SHARE)) {
        const data = await this.driver.read(loadChanged(this.dialect, scope, change));
        if (this.#models.get(key) === model)
          return this.#resize(model, () => model.apply(change, data, entries.at(-1)!.epoch));
      }
    }
    const started = performance.now();
    const { epoch, ...data } = await this.driver.read(loadModelData(this.dialect, scope));
    const read = performance.now() - started;
    const { model: fresh, ms: built } = await this.#oneAtATime(() => buildTimed(epoch, data));
    this.#drop(key);
    const ms = read + built;
    this.#counts.loads += 1;
    this.#counts.loadMs += ms;
    this.#counts.loadMsMax = Math.max(this.#counts.loadMsMax, ms);
    this.#models.set(key, fresh);
    this.#bytes += fresh.bytes;
    this.#evict(key);
  }

  /**
   * Runs model builds one after another: builds taking turns would each finish only when all of
   * them are nearly done (measured: first queries of 40 users at 8 at a time, p50 650 → 820 ms).
   */
  #oneAtATime<T>(build: () => Promise<T>): Promise<T> {
    const done = this.#builds.then(build);
    this.#builds = done.catch(() => {});
    return done;
  }

  async #exclusive(key: string, run: () => Promise<void>): Promise<void> {
    const done = run();
    this.#busy.set(key, done);
    try {
      await done;
    } finally {
      if (this.#busy.get(key) === done) this.#busy.delete(key);
    }
  }

  #epoch(scope: UserScope): Promise<number> {
    const key = userKey(scope);
    let read = this.#epochReads.get(key);
    if (!read) {
      read = this.driver.read(readEpoch(this.dialect, scope));
      this.#epochReads.set(key, read);
      // Only calls of this tick join: a later call must see writes committed after this read was issued.
      queueMicrotask(() => this.#epochReads.delete(key));
    }
    return read;
  }

  #resize(model: UserModel, change: () => void): void {
    const before = model.bytes;
    change();
    this.#bytes += model.bytes - before;
    this.#evict(null);
  }

  #drop(key: string): void {
    const model = this.#models.get(key);
    if (!model) return;
    this.#bytes -= model.bytes;
    this.#models.delete(key);
  }

  /** Drops least recently used models beyond the budget, never `keep`. */
  #evict(keep: string | null): void {
    for (const key of [...this.#models.keys()]) {
      if (this.#bytes <= this.budgetBytes) break;
      if (key === keep) continue;
      this.#drop(key);
      this.#counts.evictions += 1;
    }
  }
}
