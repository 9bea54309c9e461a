/**
 * The Store both adapters share: every method is a shared operation (./ops) run by the
 * backend's driver against the backend's dialect. Adapters differ only in those two objects.
 */
import { defaultModelMemoryMb } from '../config.js';
import type { MemoryRecord, Sector, SectorVector, UserRecord, Waypoint } from '../core/types.js';
import { DAY_MS, DECAY_FLOOR, type Fact } from '../core/temporal.js';
import { UserModels } from './cache/user-models.js';
import type { Dialect } from './dialect.js';
import type { Driver, Op } from './driver.js';
import * as admin from './ops/admin.js';
import { journaled, type Change } from './ops/journal.js';
import { insertedData, type ModelData } from './ops/model-data.js';
import { recordRecalls, type RecallWritten } from './ops/recalls.js';
import * as history from './ops/history.js';
import * as memories from './ops/memories.js';
import * as temporal from './ops/temporal.js';
import * as users from './ops/users.js';
import * as vectors from './ops/vectors.js';
import * as waypoints from './ops/waypoints.js';
import { countStaleMemories, replaceVectors, replaceVectorsOfUsers, staleMemories } from './ops/stale-vectors.js';
import { userKey, type UserScope } from './scope.js';
import type {
  AdminStaleMemory,
  ApiKeyRecord,
  DeletedCounts,
  EmbedLogEntry,
  GetOptions,
  HistoryEntry,
  InsertOptions,
  ListOptions,
  MemoryPatch,
  ModelCount,
  ModelStats,
  NewMemory,
  RecallWrite,
  Reinforcement,
  SalienceUpdate,
  SectorMatrix,
  SectorStat,
  Store,
  StoreCapabilities,
  UserStats,
  UserView,
  VectorReplacement,
  StaleMemory,
  StaleQuery,
  StatRow,
} from './store.js';

/** A model's memories and links as a recall left them, from the model as it was before (see UserModels.written). */
function recallState(model: UserView, written: RecallWritten): ModelData {
  const rows = written.salience.flatMap((u) => {
    const m = model.memory(u.id);
    return m
      ? [
          {
            ...m,
            salience: u.salience,
            lastSeenAt: u.lastSeenAt ?? m.lastSeenAt,
            feedbackScore: u.feedbackScore ?? m.feedbackScore,
          },
        ]
      : [];
  });
  const links = new Map<string, Map<string, number>>();
  for (const l of written.links) {
    let out = links.get(l.srcId);
    if (!out) links.set(l.srcId, (out = new Map(model.outgoing(l.srcId).map((o) => [o.dstId, o.weight]))));
    out.set(l.dstId, l.weight);
  }
  return {
    rows,
    vectors: [],
    links: [...links].flatMap(([srcId, out]) => [...out].map(([dstId, weight]) => ({ srcId, dstId, weight }))),
  };
}

export interface SqlStoreOptions {
  /** Memory for the user models of this store, beyond which the least recently used are dropped. */
  modelBudgetBytes?: number;
}

export class SqlStore implements Store {
  readonly capabilities: StoreCapabilities;
  readonly #models: UserModels;

  constructor(
    protected readonly driver: Driver,
    protected readonly dialect: Dialect,
    readonly location: string,
    options: SqlStoreOptions = {},
  ) {
    this.capabilities = dialect.capabilities;
    this.#models = new UserModels(driver, dialect, options.modelBudgetBytes ?? defaultModelMemoryMb() * 2 ** 20);
  }

  /**
   * Runs a write of the user's memories, vectors or links with its journal entry, then applies it
   * to this process's model: the state `known` gives from the result, or else read back.
   */
  async #journaled<T>(
    scope: UserScope,
    op: Op<T>,
    changed: (result: T) => Change,
    known?: (result: T) => ModelData,
  ): Promise<T> {
    const done = await this.driver.write(journaled(this.dialect, scope, () => op, changed));
    await this.#models.written(scope, done, known && (() => known(done.result)));
    return done.result;
  }

  async insertMemories(scope: UserScope, items: NewMemory[], options: InsertOptions = {}): Promise<void> {
    const ids = items.map(({ memory }) => memory.id);
    const merged = (options.merges ?? []).map((m) => m.id);
    await this.#journaled(
      scope,
      memories.insertMemories(this.dialect, scope, items, options),
      (links) => ({
        rows: [...ids, ...merged],
        vectors: ids,
        links: [...new Set([...ids, ...links.map((l) => l.srcId)])],
      }),
      // Merged memories are read back (repeats are rare); new ones are known from what was written.
      merged.length === 0 ? (links) => insertedData(scope, items, links) : undefined,
    );
  }
  async getMemory(scope: UserScope, id: string): Promise<MemoryRecord | null> {
    return (await this.getMemories(scope, [id]))[0] ?? null;
  }
  getMemories(scope: UserScope, ids: readonly string[], options?: GetOptions): Promise<MemoryRecord[]> {
    return this.driver.read(memories.getMemories(this.dialect, scope, ids, options));
  }
  listMemories(scope: UserScope, options: ListOptions): Promise<MemoryRecord[]> {
    return this.driver.read(memories.listMemories(this.dialect, scope, options));
  }
  countMemories(scope: UserScope): Promise<number> {
    return this.driver.read(memories.countMemories(this.dialect, scope));
  }
  findBySimhash(scope: UserScope, simhashes: readonly string[]): Promise<MemoryRecord[]> {
    return this.driver.read(memories.findBySimhash(this.dialect, scope, simhashes));
  }
  updateMemory(scope: UserScope, id: string, patch: MemoryPatch): Promise<boolean> {
    return this.#journaled(scope, memories.updateMemory(this.dialect, scope, id, patch), (ok) =>
      ok ? { rows: [id], vectors: patch.vectors ? [id] : [] } : {},
    );
  }
  async updateSalience(scope: UserScope, updates: readonly SalienceUpdate[]): Promise<number> {
    return (
      await this.#journaled(scope, memories.updateSalience(this.dialect, scope, updates), (ids) => ({ rows: ids }))
    ).length;
  }
  async reinforceMemory(scope: UserScope, update: Reinforcement): Promise<boolean> {
    const op = memories.reinforceMemory(this.dialect, scope, update);
    return this.#journaled(scope, op, (ok) => (ok ? { rows: [update.id] } : {}));
  }
  async deleteMemory(scope: UserScope, id: string, at = Date.now()): Promise<boolean> {
    const gone = await this.#journaled(scope, memories.deleteMemory(this.dialect, scope, id, at), (r) =>
      r ? { rows: [id], vectors: [id], links: [id, ...r.linkSources] } : {},
    );
    return gone !== null;
  }
  memoryHistory(scope: UserScope, id: string): Promise<HistoryEntry[]> {
    return this.driver.read(history.readHistory(this.dialect, scope, id));
  }

  replaceVectors(scope: UserScope, items: readonly VectorReplacement[]): Promise<string[]> {
    return this.#journaled(scope, replaceVectors(this.dialect, scope, items), (ids) => ({ vectors: ids }));
  }
  staleMemories(scope: UserScope, query: StaleQuery): Promise<StaleMemory[]> {
    return this.driver.read(staleMemories(this.dialect, scope, query));
  }
  countStaleMemories(scope: UserScope, query: Omit<StaleQuery, 'afterId' | 'limit'>): Promise<number> {
    return this.driver.read(countStaleMemories(this.dialect, scope, query));
  }
  adminStaleMemories(query: StaleQuery): Promise<AdminStaleMemory[]> {
    return this.driver.read(staleMemories(this.dialect, 'all', query));
  }
  adminCountStaleMemories(query: Omit<StaleQuery, 'afterId' | 'limit'>): Promise<number> {
    return this.driver.read(countStaleMemories(this.dialect, 'all', query));
  }
  async adminReplaceVectors(
    groups: ReadonlyArray<{ scope: UserScope; items: readonly VectorReplacement[] }>,
  ): Promise<string[]> {
    const done = await this.driver.write(replaceVectorsOfUsers(this.dialect, groups));
    for (const write of done) await this.#models.written(write.scope, write);
    return done.flatMap((w) => w.result);
  }
  getVectors(scope: UserScope, ids: readonly string[]): Promise<Map<string, SectorVector[]>> {
    return this.driver.read(vectors.getVectors(this.dialect, scope, ids));
  }
  view(scope: UserScope): Promise<UserView> {
    return this.#models.get(scope);
  }
  loadSectorMatrix(scope: UserScope, sector: Sector): Promise<SectorMatrix> {
    return this.driver.read(vectors.loadSectorMatrix(this.dialect, scope, sector));
  }

  async upsertWaypoints(
    scope: UserScope,
    links: ReadonlyArray<{ srcId: string; dstId: string; weight: number }>,
  ): Promise<void> {
    await this.#journaled(scope, waypoints.writeLinks(this.dialect, scope, links, Date.now()), (written) => ({
      links: written.map((l) => l.srcId),
    }));
  }
  outgoingWaypoints(scope: UserScope, srcIds: readonly string[]): Promise<Waypoint[]> {
    return this.driver.read(waypoints.outgoingWaypoints(this.dialect, scope, srcIds));
  }
  async recordRecalls(items: ReadonlyArray<{ scope: UserScope; recall: RecallWrite }>): Promise<unknown[]> {
    // Where transactions run side by side, one per user: a user's recalls stay in order, and
    // users do not wait for each other's round trips. Otherwise one for all: one commit.
    const groups = new Map<string, number[]>();
    items.forEach((item, i) => {
      const key = this.driver.concurrentWrites ? userKey(item.scope) : '';
      const group = groups.get(key);
      if (group) group.push(i);
      else groups.set(key, [i]);
    });
    const errors: unknown[] = new Array(items.length).fill(undefined);
    await Promise.all(
      [...groups.values()].map(async (group) => {
        try {
          await this.#writeRecalls(group.map((i) => items[i]!));
        } catch {
          // Each alone, so a failure is only its own recall's.
          for (const i of group)
            await this.#writeRecalls([items[i]!]).catch(
              (err: unknown) => (errors[i] = err ?? new Error('recall failed')),
            );
        }
      }),
    );
    return errors;
  }

  async #writeRecalls(items: ReadonlyArray<{ scope: UserScope; recall: RecallWrite }>): Promise<void> {
    // Reinforcement is worth less than a flush to disk per query.
    const done = await this.driver.write(
      recordRecalls(this.dialect, items, Date.now(), (scope) => this.#models.held(scope)),
      { lazyFlush: true },
    );
    // What was written is known: this process's models take it without reading it back.
    for (const w of done) await this.#models.written(w.scope, w, (model) => recallState(model, w.result));
  }
  async pruneWaypoints(scope: UserScope, minWeight: number): Promise<number> {
    const sources = await this.#journaled(scope, waypoints.pruneWaypoints(this.dialect, scope, minWeight), (srcs) => ({
      links: srcs,
    }));
    return sources.length;
  }

  getUser(scope: UserScope): Promise<UserRecord | null> {
    return this.driver.read(users.getUser(this.dialect, scope));
  }
  saveUserSummary(scope: UserScope, summary: string, reflectionIncrement: number, now: number): Promise<UserRecord> {
    return this.driver.write(users.saveUserSummary(this.dialect, scope, summary, reflectionIncrement, now));
  }
  userStats(scope: UserScope): Promise<UserStats> {
    return this.driver.read(users.userStats(this.dialect, scope));
  }
  async deleteUserData(scope: UserScope): Promise<DeletedCounts> {
    const done = await this.driver.write(users.eraseUser(this.dialect, scope));
    await this.#models.written(scope, done);
    return done.result;
  }

  findFacts(scope: UserScope, query: temporal.FactQuery): Promise<Fact[]> {
    return this.driver.read(temporal.findFacts(this.dialect, scope, query));
  }
  getFact(scope: UserScope, id: string): Promise<Fact | null> {
    return this.driver.read(temporal.getFact(this.dialect, scope, id));
  }
  insertFact(scope: UserScope, fact: Omit<Fact, 'userId' | 'validTo'>): Promise<Fact> {
    return this.driver.write(temporal.insertFact(this.dialect, scope, fact));
  }
  updateFact(scope: UserScope, id: string, patch: temporal.FactPatch, now: number): Promise<Fact | null> {
    return this.driver.write(temporal.updateFact(this.dialect, scope, id, patch, now));
  }
  factCounts(scope: UserScope): Promise<{ active: number; total: number }> {
    return this.driver.read(temporal.factCounts(this.dialect, scope));
  }
  volatileFacts(scope: UserScope, subject: string | undefined, limit: number): Promise<temporal.VolatileFact[]> {
    return this.driver.read(temporal.volatileFacts(this.dialect, scope, subject, limit));
  }
  adminDecayFacts(rate: number, now: number): Promise<number> {
    return this.driver.write(temporal.adminDecayFacts(this.dialect, rate, now, DECAY_FLOOR, DAY_MS));
  }

  adminListUsers(): Promise<Array<string | null>> {
    return this.driver.read(admin.adminListUsers(this.dialect));
  }
  adminSectorStats(): Promise<SectorStat[]> {
    return this.driver.read(admin.adminSectorStats(this.dialect));
  }
  adminMemoryOwner(id: string): Promise<string | null | undefined> {
    return this.driver.read(admin.adminMemoryOwner(this.dialect, id));
  }
  adminCountMemories(): Promise<number> {
    return this.driver.read(admin.adminCountMemories(this.dialect));
  }
  adminVectorModels(): Promise<ModelCount[]> {
    return this.driver.read(admin.adminVectorModels(this.dialect));
  }
  adminCreateApiKey(key: ApiKeyRecord): Promise<void> {
    return this.driver.write(admin.adminCreateApiKey(this.dialect, key));
  }
  adminFindApiKey(hash: string): Promise<ApiKeyRecord | null> {
    return this.driver.read(admin.adminFindApiKey(this.dialect, hash));
  }
  adminListApiKeys(): Promise<ApiKeyRecord[]> {
    return this.driver.read(admin.adminListApiKeys(this.dialect));
  }
  adminRevokeApiKey(id: string, now: number): Promise<boolean> {
    return this.driver.write(admin.adminRevokeApiKey(this.dialect, id, now));
  }
  adminTouchApiKey(id: string, now: number): Promise<void> {
    return this.driver.write(admin.adminTouchApiKey(this.dialect, id, now));
  }

  writeEmbedLogs(entries: readonly EmbedLogEntry[]): Promise<void> {
    return this.driver.write(admin.writeEmbedLogs(this.dialect, entries));
  }
  recordStat(type: string, count: number, ts: number): Promise<void> {
    return this.driver.write(admin.recordStat(this.dialect, null, type, count, ts));
  }
  statsSince(ts: number): Promise<StatRow[]> {
    return this.driver.read(admin.statsSince(this.dialect, ts));
  }
  recordUserStat(scope: UserScope, type: string, count: number, ts: number): Promise<void> {
    return this.driver.write(admin.recordStat(this.dialect, scope, type, count, ts));
  }
  userStatsSince(scope: UserScope, ts: number): Promise<StatRow[]> {
    return this.driver.read(admin.userStatsSince(this.dialect, scope, ts));
  }
  adminUserStatsSince(ts: number): Promise<StatRow[]> {
    return this.driver.read(admin.adminUserStatsSince(this.dialect, ts));
  }

  modelStats(): ModelStats {
    return this.#models.stats();
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
