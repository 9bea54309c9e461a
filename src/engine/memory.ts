/**
 * The memory engine: composes the pure core, a store and an embedder behind the
 * {@link MemoryEngine} interface, and owns the background jobs.
 */
import { loadConfig, type Config } from '../config.js';
import { createEmbedder } from '../embed/create.js';
import type { Embedder } from '../embed/embedder.js';
import type { EmbedMetricsSnapshot } from '../embed/metrics.js';
import { createLogger, type Logger } from '../log.js';
import { openStore } from '../store/open.js';
import type { UserScope } from '../store/scope.js';
import type { DeletedCounts, ModelStats, SectorStat, StatRow, Store, UserStats } from '../store/store.js';
import { addMemories } from './add.js';
import { addDocument } from './add-document.js';
import { reembedUpstream } from './reembed.js';
import type {
  AddInput,
  AddResult,
  DocumentInput,
  ExportPage,
  ExportPageInput,
  HistoryView,
  ImportInput,
  ImportReport,
  LinkView,
  ListInput,
  MemoryEngine,
  MemoryView,
  QueryInput,
  QueryResult,
  UpdateInput,
  UserSummaryView,
} from './api.js';
import type { EngineContext } from './context.js';
import { DeferredWrites } from './deferred-writes.js';
import { IntervalJob } from './jobs/interval-job.js';
import { lastDecayRun, runDecay } from './jobs/decay.js';
import { runPrune } from './jobs/prune.js';
import { runReflection } from './jobs/reflect.js';
import { runSummaryRefresh } from './jobs/summaries.js';
import { KeyedLock } from './keyed-lock.js';
import { RecallWriter } from './recall-writer.js';
import {
  deleteMemory,
  deleteUser,
  getMemory,
  linkMemories,
  listMemories,
  memoryHistory,
  reinforceMemory,
  updateMemory,
} from './lifecycle.js';
import { checkModels, type ModelStatus } from './model-check.js';
import { queryMemories } from './query.js';
import { SummaryQueue, computeSummary, saveSummary } from './summaries.js';
import { exportPage } from './transfer/export.js';
import { importIntoUser } from './transfer/import.js';
import {
  addFact,
  compareFacts,
  factStats,
  factTimeline,
  findFacts,
  updateFact,
  volatileFacts,
  type AddFactInput,
  type FactComparisonView,
  type FactStatsView,
  type FactView,
  type FindFactsInput,
  type TimelineView,
} from './temporal.js';
import type { VolatileFact } from '../store/ops/temporal.js';

export interface OpenOptions {
  config?: Readonly<Config>;
  /** Defaults to `openStore(config)`. The engine closes it on `close()`. */
  store?: Store;
  embedder?: Embedder;
  logger?: Logger;
  /** Clock in epoch ms (tests move time). */
  now?: () => number;
  /** Schedule the background jobs (default true; intervals of 0 disable single jobs). */
  jobs?: boolean;
}

export type JobName = 'decay' | 'prune' | 'reflect' | 'summaries';

function isConfig(value: unknown): value is Readonly<Config> {
  return typeof value === 'object' && value !== null && 'backend' in value && 'embeddings' in value;
}

/**
 * Part of upgrading: upstream's vectors (model NULL) are not comparable with our query vectors.
 * A failure (provider down) leaves the rest for the next start or `openmemory reembed`, and the
 * start-up model check then reports the vectors still waiting.
 */
async function redoUpstreamVectors(store: Store, embedder: Embedder, log: Logger): Promise<void> {
  const report = await reembedUpstream(store, embedder, (line) => log.info(line));
  if (report.status !== 'complete')
    log.error('re-embedding upstream vectors stopped', {
      done: report.rewritten,
      total: report.total,
      err: report.error,
    });
}

export class Memory implements MemoryEngine {
  readonly #jobs: Map<JobName, IntervalJob>;

  private constructor(
    private readonly ctx: EngineContext,
    /** Whether stored vectors match the configured embedder (for the health route). */
    readonly modelStatus: ModelStatus,
  ) {
    const { jobs } = ctx.config;
    this.#jobs = new Map([
      ['decay', new IntervalJob('decay', jobs.decayIntervalMinutes, () => runDecay(ctx), ctx.log)],
      ['prune', new IntervalJob('prune', jobs.pruneIntervalMinutes, () => runPrune(ctx), ctx.log)],
      [
        'reflect',
        new IntervalJob(
          'reflect',
          jobs.autoReflect ? jobs.reflectIntervalMinutes : 0,
          () => runReflection(ctx),
          ctx.log,
        ),
      ],
      [
        'summaries',
        new IntervalJob('summaries', jobs.userSummaryIntervalMinutes, () => runSummaryRefresh(ctx), ctx.log),
      ],
    ]);
  }

  static async open(arg: Readonly<Config> | OpenOptions = {}): Promise<Memory> {
    const options: OpenOptions = isConfig(arg) ? { config: arg } : arg;
    const config = options.config ?? loadConfig();
    const log = options.logger ?? createLogger(config.logLevel);
    const embedder = options.embedder ?? createEmbedder(config);
    await embedder.verify?.();
    const store = options.store ?? (await openStore(config, { log: (line) => log.info(line) }));
    const now = options.now ?? Date.now;
    try {
      if (!options.store && config.autoMigrate) await redoUpstreamVectors(store, embedder, log);
      // Decay state survives restarts through the `stats` rows the decay job writes.
      const lookBack = Math.max(3 * config.jobs.decayIntervalMinutes * 60_000, 86_400_000);
      const ctx: EngineContext = {
        config,
        store,
        embedder,
        log,
        now,
        userLock: new KeyedLock(),
        summaries: new SummaryQueue(store, log, now),
        decay: { lastRunAt: await lastDecayRun({ store, now }, lookBack) },
        activeQueries: { count: 0 },
        deferred: new DeferredWrites(log),
        recalls: new RecallWriter(store),
      };
      const status = checkModels(embedder, await store.adminVectorModels());
      if (!status.ok) log.warn('embedding model mismatch', { configured: status.configured, detail: status.message });
      const memory = new Memory(ctx, status);
      if (options.jobs ?? true) for (const job of memory.#jobs.values()) job.start();
      log.info('memory engine ready', { store: store.location, embedder: embedder.id });
      return memory;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  get config(): Readonly<Config> {
    return this.ctx.config;
  }

  get embedder(): Embedder {
    return this.ctx.embedder;
  }

  get store(): Store {
    return this.ctx.store;
  }

  /** Runs one background job now (CLI, admin routes, tests); never rejects. */
  runJob(name: JobName): Promise<void> {
    return this.#jobs.get(name)!.run();
  }

  /** Waits until every write deferred after a reply is done: query reinforcement, then queued summary rebuilds. */
  async settle(): Promise<void> {
    await this.ctx.deferred.drain();
    await this.ctx.summaries.flushAll();
  }

  /** Runs `op` once the user's deferred writes are done, so it sees what earlier queries taught. */
  async #settled<T>(scope: UserScope, op: () => Promise<T>): Promise<T> {
    await this.ctx.deferred.settled(scope);
    return op();
  }

  add(scope: UserScope, input: AddInput): Promise<AddResult> {
    return this.#settled(scope, () => addMemories(this.ctx, scope, [input])).then((r) => r[0]!);
  }

  addMany(scope: UserScope, inputs: AddInput[]): Promise<AddResult[]> {
    return this.#settled(scope, () => addMemories(this.ctx, scope, inputs));
  }

  addDocument(scope: UserScope, input: DocumentInput): Promise<AddResult[]> {
    return this.#settled(scope, () => addDocument(this.ctx, scope, input));
  }

  query(scope: UserScope, input: QueryInput): Promise<QueryResult> {
    return queryMemories(this.ctx, scope, input);
  }

  get(scope: UserScope, id: string): Promise<MemoryView> {
    return this.#settled(scope, () => getMemory(this.ctx, scope, id));
  }

  list(scope: UserScope, input?: ListInput): Promise<MemoryView[]> {
    return this.#settled(scope, () => listMemories(this.ctx, scope, input));
  }

  update(scope: UserScope, id: string, input: UpdateInput): Promise<MemoryView> {
    return this.#settled(scope, () => updateMemory(this.ctx, scope, id, input));
  }

  delete(scope: UserScope, id: string): Promise<void> {
    return this.#settled(scope, () => deleteMemory(this.ctx, scope, id));
  }

  link(scope: UserScope, srcId: string, dstIds: readonly string[], weight: number): Promise<number> {
    return this.#settled(scope, () => linkMemories(this.ctx, scope, srcId, dstIds, weight));
  }

  links(scope: UserScope, ids: readonly string[]): Promise<LinkView[]> {
    return this.#settled(scope, async () =>
      (await this.ctx.store.outgoingWaypoints(scope, ids)).map((w) => ({
        from: w.srcId,
        to: w.dstId,
        weight: w.weight,
      })),
    );
  }

  exportPage(scope: UserScope, input: ExportPageInput): Promise<ExportPage> {
    return this.#settled(scope, () => exportPage(this.ctx.store, scope, input));
  }

  importLines(scope: UserScope, input: ImportInput): Promise<ImportReport> {
    return this.#settled(scope, () => importIntoUser(this.ctx, scope, input));
  }

  history(scope: UserScope, id: string): Promise<HistoryView[]> {
    return this.#settled(scope, () => memoryHistory(this.ctx, scope, id));
  }

  reinforce(scope: UserScope, id: string, boost?: number): Promise<number> {
    return this.#settled(scope, () => reinforceMemory(this.ctx, scope, id, boost));
  }

  async userSummary(scope: UserScope): Promise<UserSummaryView> {
    await this.ctx.deferred.settled(scope);
    await this.ctx.summaries.flush(scope);
    const user = await this.ctx.store.getUser(scope);
    if (user?.summary) {
      return {
        user_id: scope.userId,
        summary: user.summary,
        reflection_count: user.reflectionCount,
        updated_at: user.updatedAt,
      };
    }
    const now = this.ctx.now();
    return {
      user_id: scope.userId,
      summary: await computeSummary(this.ctx.store, scope, now),
      reflection_count: user?.reflectionCount ?? 0,
      updated_at: now,
    };
  }

  async regenerateSummary(scope: UserScope): Promise<UserSummaryView> {
    await this.ctx.deferred.settled(scope);
    await this.ctx.summaries.flush(scope);
    const user = await saveSummary(this.ctx.store, scope, this.ctx.now());
    return {
      user_id: scope.userId,
      summary: user.summary ?? '',
      reflection_count: user.reflectionCount,
      updated_at: user.updatedAt,
    };
  }

  deleteUser(scope: UserScope): Promise<DeletedCounts> {
    return this.#settled(scope, () => deleteUser(this.ctx, scope));
  }

  userStats(scope: UserScope): Promise<UserStats> {
    return this.#settled(scope, () => this.ctx.store.userStats(scope));
  }

  addFact(scope: UserScope, input: AddFactInput): Promise<FactView> {
    return addFact(this.ctx, scope, input);
  }

  findFacts(scope: UserScope, input: FindFactsInput): Promise<FactView[]> {
    return findFacts(this.ctx, scope, input);
  }

  updateFact(
    scope: UserScope,
    id: string,
    patch: { confidence?: number; metadata?: Record<string, unknown>; validTo?: number },
  ): Promise<FactView> {
    return updateFact(this.ctx, scope, id, patch);
  }

  factTimeline(scope: UserScope, subject: string, predicate?: string): Promise<TimelineView[]> {
    return factTimeline(this.ctx, scope, subject, predicate);
  }

  compareFacts(scope: UserScope, subject: string, time1: number, time2: number): Promise<FactComparisonView> {
    return compareFacts(this.ctx, scope, subject, time1, time2);
  }

  factStats(scope: UserScope): Promise<FactStatsView> {
    return factStats(this.ctx, scope);
  }

  volatileFacts(scope: UserScope, subject: string | undefined, limit: number): Promise<VolatileFact[]> {
    return volatileFacts(this.ctx, scope, subject, limit);
  }

  adminDecayFacts(rate: number): Promise<number> {
    return this.ctx.store.adminDecayFacts(rate, this.ctx.now());
  }

  adminMemoryOwner(id: string): Promise<string | null | undefined> {
    return this.ctx.store.adminMemoryOwner(id);
  }

  adminListUsers(): Promise<Array<string | null>> {
    return this.ctx.store.adminListUsers();
  }

  adminSectorStats(): Promise<SectorStat[]> {
    return this.ctx.store.adminSectorStats();
  }

  jobStats(since: number): Promise<StatRow[]> {
    return this.ctx.store.statsSince(since);
  }

  userJobStats(scope: UserScope, since: number): Promise<StatRow[]> {
    return this.ctx.store.userStatsSince(scope, since);
  }

  adminUserJobStats(since: number): Promise<StatRow[]> {
    return this.ctx.store.adminUserStatsSince(since);
  }

  async modelStats(): Promise<ModelStats> {
    return this.ctx.store.modelStats();
  }

  async embeddingMetrics(): Promise<EmbedMetricsSnapshot> {
    return this.ctx.embedder.metrics?.() ?? {};
  }

  async close(): Promise<void> {
    await Promise.all([...this.#jobs.values()].map((j) => j.stop()));
    await this.ctx.deferred.drain();
    await this.ctx.summaries.close();
    await this.ctx.store.close();
  }
}
