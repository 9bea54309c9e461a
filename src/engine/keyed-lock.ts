/** Runs tasks with the same key one after another; different keys run concurrently. */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();
  /** Per key, the batch queued behind the running task that new requests may still join. */
  readonly #open = new Map<string, object>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /**
   * Group commit: `items` are written by `write` in one task of the key, together with the items
   * of every other `batch` call of the key made while that task waited its turn or in the same
   * turn of the event loop, in call order, up to `maxItems`. A task waits only behind tasks
   * queued before it, so no call is ever moved ahead of one that had already finished. `write`
   * answers one output per item; calls of one key must pass equivalent writers (the first one's
   * runs). When a joint write fails, each call is written again alone, so a failure is only its
   * own call's.
   */
  batch<I, O>(
    key: string,
    items: readonly I[],
    maxItems: number,
    write: (items: readonly I[]) => Promise<O[]>,
  ): Promise<O[]> {
    return new Promise<O[]>((resolve, reject) => {
      const call: Call<I, O> = { items, resolve, reject };
      const open = this.#open.get(key) as Batch<I, O> | undefined;
      if (open && open.size + items.length <= maxItems) {
        open.calls.push(call);
        open.size += items.length;
        return;
      }
      const batch: Batch<I, O> = { calls: [call], size: items.length };
      this.#open.set(key, batch);
      void this.run(key, async () => {
        // Requests already received (a synchronous backend keeps the loop busy while it writes) join before it closes.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.#open.get(key) === batch) this.#open.delete(key);
        return writeBatch(batch, write);
      });
    });
  }
}

interface Call<I, O> {
  items: readonly I[];
  resolve(out: O[]): void;
  reject(err: unknown): void;
}

interface Batch<I, O> {
  calls: Call<I, O>[];
  size: number;
}

async function writeBatch<I, O>(batch: Batch<I, O>, write: (items: readonly I[]) => Promise<O[]>): Promise<void> {
  const { calls } = batch;
  if (calls.length === 1) return write(calls[0]!.items).then(calls[0]!.resolve, calls[0]!.reject);
  let out: O[];
  try {
    out = await write(calls.flatMap((c) => c.items));
  } catch {
    for (const c of calls) await write(c.items).then(c.resolve, c.reject);
    return;
  }
  let at = 0;
  for (const c of calls) {
    c.resolve(out.slice(at, at + c.items.length));
    at += c.items.length;
  }
}
