/**
 * The engine on worker threads, behind the same {@link MemoryEngine} interface: the server's
 * thread parses, authenticates and answers HTTP while workers rank, embed and write, so several
 * cores are at work. Users are divided among the workers by a hash of their key: all of a user's
 * operations run in one engine, in order, with that user's model held once. Calls that span users
 * go to the first worker, which alone runs the maintenance jobs; the API key table is reached
 * through it too, so there is one kind of store connection per thread.
 *
 * A worker that dies takes no request down silently: calls waiting on it and every later one
 * fail as `unavailable`, and `onStopped` tells the server to stop.
 */
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../config.js';
import { mergeEmbedMetrics } from '../../embed/metrics.js';
import { OmError } from '../../errors.js';
import { userKey, type UserScope } from '../../store/scope.js';
import { mergeModelStats, type ModelStats, type Store } from '../../store/store.js';
import type { MemoryEngine } from '../api.js';
import { fromWire, type Call, ENGINE_METHODS, type KEY_METHODS, type Reply, type Ready } from './protocol.js';

const CLOSE_TIMEOUT_MS = 15_000;
/**
 * The engine's young generation: a query's garbage dies young, but with several queries in
 * flight a small one promotes it to the old generation, which costs a full collection later.
 * 100 users x 1k on SQLite, concurrency 8: 1,410-1,450 queries/s by default, 1,470 at 32 MB,
 * 1,490-1,520 at 48, 1,600 at 64 (peak RSS 462 MB), 1,560 at 96 (493 MB).
 */
const YOUNG_GENERATION_MB = 64;

export type KeyMethods = Pick<Store, (typeof KEY_METHODS)[number]>;

export interface ThreadedEngine extends MemoryEngine {
  /** The API key table in the store. */
  readonly keys: KeyMethods;
  /** Where the store lives (a file path or a PostgreSQL location). */
  readonly location: string;
}

/**
 * The worker's entry beside this file. Run from the TypeScript sources (tests, development under
 * tsx), a worker does not inherit the loader: a one-line module registers it, then loads them.
 */
function workerEntry(): URL {
  if (import.meta.url.endsWith('.js')) return new URL('./worker.js', import.meta.url);
  const register = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const source = `import { register } from ${JSON.stringify(register)}; register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

/** One worker and the calls waiting on it. */
class EngineWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  #nextId = 0;
  #closing = false;
  #dead: Error | null = null;
  location = '';

  constructor(env: Record<string, string | undefined>, jobs: boolean) {
    this.#worker = new Worker(workerEntry(), {
      workerData: { env, jobs },
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
  }

  /** Resolves once the worker's engine is open; rejects with the reason it could not open. */
  async ready(onStopped: (err: Error) => void): Promise<void> {
    const worker = this.#worker;
    let onError: (err: Error) => void = () => {};
    let onExit: (code: number) => void = () => {};
    const ready = await new Promise<Ready>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', (onError = reject));
      worker.once(
        'exit',
        (onExit = (code) => reject(new Error(`the engine worker exited with code ${code} before it was ready`))),
      );
    }).finally(() => {
      // Only these: Worker keeps listeners of its own that start its message port.
      worker.off('error', onError);
      worker.off('exit', onExit);
    });
    if (!ready.ready) {
      await worker.terminate();
      throw fromWire(ready.error);
    }
    this.location = ready.location;
    worker.on('message', (reply: Reply) => {
      const call = this.#pending.get(reply.id);
      if (!call) return;
      this.#pending.delete(reply.id);
      if ('error' in reply) call.reject(fromWire(reply.error));
      else call.resolve(reply.value);
    });
    const fail = (err: Error) => {
      if (this.#dead) return;
      this.#dead = new OmError('unavailable', 'the memory engine stopped; the server is shutting down');
      for (const call of this.#pending.values()) call.reject(this.#dead);
      this.#pending.clear();
      if (!this.#closing) onStopped(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the engine worker exited with code ${code}`)));
  }

  call<T>(target: Call['target'], method: string, args: unknown[]): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.#dead) return reject(this.#dead);
      const id = ++this.#nextId;
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ id, target, method, args } as Call);
    });
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    // A worker that failed to start was already stopped, and a dead one is gone.
    if (this.#dead || !this.location) return;
    const exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    this.#worker.postMessage({ close: true });
    // The worker ends once its engine is closed; one that lingers is stopped.
    const timer = setTimeout(() => void this.#worker.terminate(), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/** FNV-1a of the user's key: a user always lands on the same worker. */
function shard(scope: UserScope, count: number): number {
  let h = 0x811c9dc5;
  const key = userKey(scope);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % count;
}

/** Methods that act for no single user: served by the first worker, or by all of them and merged. */
const ACROSS_USERS = [
  'adminListUsers',
  'adminSectorStats',
  'adminDecayFacts',
  'adminMemoryOwner',
  'jobStats',
  'adminUserJobStats',
  'embeddingMetrics',
  'modelStats',
] as const satisfies readonly (typeof ENGINE_METHODS)[number][];

type PerUser = Exclude<(typeof ENGINE_METHODS)[number], (typeof ACROSS_USERS)[number]>;
/** Every other engine method takes the user's scope first and goes to the worker holding that user. */
const PER_USER = ENGINE_METHODS.filter((m): m is PerUser => !(ACROSS_USERS as readonly string[]).includes(m));

/** Each worker holds its own users' models: the configured budget is divided among them. */
function workerModelMemoryMb(env: Record<string, string | undefined>, threads: number): number {
  return Math.max(1, Math.floor(loadConfig(env).modelMemoryMb / threads));
}

export async function startThreadedEngine(
  env: Record<string, string | undefined>,
  options: { threads?: number; onStopped?: (err: Error) => void } = {},
): Promise<ThreadedEngine> {
  const onStopped = options.onStopped ?? (() => {});
  env = { ...env, OM_MODEL_MEMORY_MB: String(workerModelMemoryMb(env, options.threads ?? 1)) };
  // The first worker opens the store alone: it migrates the schema before the others connect.
  const first = new EngineWorker(env, true);
  const workers = [first];
  try {
    await first.ready(onStopped);
    for (let i = 1; i < (options.threads ?? 1); i++) workers.push(new EngineWorker(env, false));
    await Promise.all(workers.slice(1).map((w) => w.ready(onStopped)));
  } catch (err) {
    await Promise.all(workers.map((w) => w.close()));
    throw err;
  }
  const perUser = Object.fromEntries(
    PER_USER.map((m) => [
      m,
      (scope: UserScope, ...rest: unknown[]) =>
        workers[shard(scope, workers.length)]!.call('engine', m, [scope, ...rest]),
    ]),
  ) as unknown as Pick<MemoryEngine, PerUser>;
  const all = <T>(method: string) => Promise.all(workers.map((w) => w.call<T>('engine', method, [])));
  const keys =
    (method: (typeof KEY_METHODS)[number]) =>
    (...args: unknown[]) =>
      first.call('keys', method, args);
  return {
    ...perUser,
    adminListUsers: () => first.call('engine', 'adminListUsers', []),
    adminSectorStats: () => first.call('engine', 'adminSectorStats', []),
    adminDecayFacts: (rate) => first.call('engine', 'adminDecayFacts', [rate]),
    adminMemoryOwner: (id) => first.call('engine', 'adminMemoryOwner', [id]),
    jobStats: (since) => first.call('engine', 'jobStats', [since]),
    adminUserJobStats: (since) => first.call('engine', 'adminUserJobStats', [since]),
    embeddingMetrics: async () =>
      (await all<Awaited<ReturnType<MemoryEngine['embeddingMetrics']>>>('embeddingMetrics')).reduce(
        mergeEmbedMetrics,
        {},
      ),
    modelStats: async () => (await all<ModelStats>('modelStats')).reduce(mergeModelStats),
    keys: {
      adminCreateApiKey: keys('adminCreateApiKey'),
      adminFindApiKey: keys('adminFindApiKey'),
      adminListApiKeys: keys('adminListApiKeys'),
      adminRevokeApiKey: keys('adminRevokeApiKey'),
      adminTouchApiKey: keys('adminTouchApiKey'),
    } as KeyMethods,
    location: first.location,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
