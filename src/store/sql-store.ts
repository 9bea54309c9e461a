/**
 * The Store both adapters share: every method is a shared operation (./ops) run by the
 * backend's driver against the backend's dialect. Adapters differ only in those two objects.
 */
import type { MemoryRecord, Sector, SectorVector, UserRecord, Waypoint } from '../core/types.js';
import type { Dialect } from './dialect.js';
import type { Driver, Op } from './driver.js';
import { searchTokens } from './fulltext.js';
import * as admin from './ops/admin.js';
import { readEpoch, withEpochs } from './ops/epochs.js';
import * as memories from './ops/memories.js';
import * as users from './ops/users.js';
import * as vectors from './ops/vectors.js';
import * as waypoints from './ops/waypoints.js';
import { countStaleMemories, replaceVectors, replaceVectorsOfUsers, staleMemories } from './ops/stale-vectors.js';
import { userKey, type UserScope } from './scope.js';
import { TermShares } from './term-shares.js';
import { count } from './sql.js';
import type {
  AdminStaleMemory,
  ApiKeyRecord,
  DeletedCounts,
  EmbedLogEntry,
  GetOptions,
  ListOptions,
  MemoryPatch,
  ModelCount,
  NewMemory,
  RecallWrite,
  SalienceUpdate,
  SectorMatrix,
  SectorStat,
  Store,
  StoreCapabilities,
  TextHit,
  UserStats,
  VectorView,
  VectorReplacement,
  StaleMemory,
  StaleQuery,
} from './store.js';
import { searchUnitMatrix, similaritiesOf, toUnitMatrix, VectorIndexCache, type UnitMatrix } from './vector-index.js';

/** Memory for cached vector indexes per process (float32 matrices), beyond which least recent users are dropped. */
const INDEX_BUDGET_BYTES = 256 * 2 ** 20;

function* textHits(d: Dialect, shares: TermShares, scope: UserScope, query: string, limit: number): Op<TextHit[]> {
  const tokens = searchTokens(query);
  const n = count(limit);
  if (tokens.length === 0 || n === 0) return [];
  const { terms, byOwner } = yield* shares.plan(d, scope, tokens);
  let { rows } = yield d.textSearch(scope, terms, n, byOwner);
  // Rows holding only common terms rank low: they are worth finding only when nothing rarer matched.
  if (rows.length === 0 && terms.length < tokens.length) ({ rows } = yield d.textSearch(scope, tokens, n, byOwner));
  return rows.map((r) => ({ id: String(r.id), rank: Number(r.rank) }));
}

export class SqlStore implements Store {
  readonly capabilities: StoreCapabilities;
  readonly #indexes = new VectorIndexCache(INDEX_BUDGET_BYTES);
  /** Epoch reads of calls made in the same tick (the sectors of one query) share one statement. */
  readonly #epochReads = new Map<string, Promise<number>>();
  readonly #builds = new Map<string, Promise<UnitMatrix>>();
  readonly #termShares = new TermShares();

  constructor(
    protected readonly driver: Driver,
    protected readonly dialect: Dialect,
    readonly location: string,
  ) {
    this.capabilities = dialect.capabilities;
  }

  async insertMemories(scope: UserScope, items: NewMemory[], embedLog?: { model: string; ts: number }): Promise<void> {
    const { from, to } = await this.driver.write(withEpochs(this.dialect, scope, memories.insertMemories(this.dialect, scope, items, embedLog)));
    const added = items.flatMap(({ memory, vectors }) => vectors.map((v) => ({ id: memory.id, sector: v.sector, vector: v.vector })));
    this.#indexes.apply(userKey(scope), from, to, { added });
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
  async updateMemory(scope: UserScope, id: string, patch: MemoryPatch): Promise<boolean> {
    if (!patch.vectors) return this.driver.write(memories.updateMemory(this.dialect, scope, id, patch));
    const { result, from, to } = await this.driver.write(withEpochs(this.dialect, scope, memories.updateMemory(this.dialect, scope, id, patch)));
    if (result) this.#indexes.apply(userKey(scope), from, to, { removed: [id], added: patch.vectors.map((v) => ({ id, sector: v.sector, vector: v.vector })) });
    return result;
  }
  updateSalience(scope: UserScope, updates: readonly SalienceUpdate[]): Promise<number> {
    return this.driver.write(memories.updateSalience(this.dialect, scope, updates));
  }
  async deleteMemory(scope: UserScope, id: string): Promise<boolean> {
    const { result, from, to } = await this.driver.write(withEpochs(this.dialect, scope, memories.deleteMemory(this.dialect, scope, id)));
    if (result) this.#indexes.apply(userKey(scope), from, to, { removed: [id] });
    return result;
  }

  replaceVectors(scope: UserScope, items: readonly VectorReplacement[]): Promise<string[]> {
    return this.driver.write(replaceVectors(this.dialect, scope, items));
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
  adminReplaceVectors(groups: ReadonlyArray<{ scope: UserScope; items: readonly VectorReplacement[] }>): Promise<string[]> {
    return this.driver.write(replaceVectorsOfUsers(this.dialect, groups));
  }
  getVectors(scope: UserScope, ids: readonly string[]): Promise<Map<string, SectorVector[]>> {
    return this.driver.read(vectors.getVectors(this.dialect, scope, ids));
  }
  async vectorView(scope: UserScope): Promise<VectorView> {
    const epoch = await this.#epoch(scope);
    // Each index is looked up once per view: this process's own writes may move the cached epoch
    // past `epoch` meanwhile (applied in place, so the index in hand stays current), and a
    // second lookup at `epoch` would then drop the user's indexes and reload them.
    const resolved = new Map<string, Promise<UnitMatrix>>();
    const index = (sector: Sector, dim: number) => {
      const key = `${sector} ${dim}`;
      let found = resolved.get(key);
      if (!found) resolved.set(key, (found = Promise.resolve(this.#indexes.get(userKey(scope), epoch, sector, dim) ?? this.#build(scope, epoch, sector, dim))));
      return found;
    };
    return {
      nearest: async (sector, query, k) => (query.length === 0 || k <= 0 ? [] : searchUnitMatrix(await index(sector, query.length), query, k)),
      similarities: async (queries, ids) => {
        const out = new Map<string, Map<Sector, number>>();
        const asked = [...queries].filter(([, query]) => query.length > 0 && ids.length > 0);
        const indexes = await Promise.all(asked.map(([sector, query]) => index(sector, query.length)));
        asked.forEach(([sector, query], i) => {
          for (const [id, similarity] of similaritiesOf(indexes[i]!, query, ids)) {
            let perSector = out.get(id);
            if (!perSector) out.set(id, (perSector = new Map()));
            perSector.set(sector, similarity);
          }
        });
        return out;
      },
    };
  }

  #epoch(scope: UserScope): Promise<number> {
    const user = userKey(scope);
    let read = this.#epochReads.get(user);
    if (!read) {
      read = this.driver.read(readEpoch(this.dialect, scope));
      this.#epochReads.set(user, read);
      // Only calls of this tick join: a later call must see writes committed after this read was issued.
      queueMicrotask(() => this.#epochReads.delete(user));
    }
    return read;
  }

  /** Loads the user's sector matrix read at or after `epoch`; concurrent misses share one load. */
  #build(scope: UserScope, epoch: number, sector: Sector, dim: number): Promise<UnitMatrix> {
    const user = userKey(scope);
    const key = `${epoch} ${sector} ${dim} ${user}`;
    let build = this.#builds.get(key);
    if (!build) {
      build = this.driver.read(vectors.loadSectorIndex(this.dialect, scope, sector, dim)).then(({ matrix, epoch: read }) => {
        const index = toUnitMatrix(matrix);
        this.#indexes.set(user, read ?? epoch, sector, index);
        return index;
      });
      build.finally(() => this.#builds.delete(key)).catch(() => {});
      this.#builds.set(key, build);
    }
    return build;
  }
  loadSectorMatrix(scope: UserScope, sector: Sector): Promise<SectorMatrix> {
    return this.driver.read(vectors.loadSectorMatrix(this.dialect, scope, sector));
  }

  searchText(scope: UserScope, query: string, limit: number): Promise<TextHit[]> {
    return this.driver.read(textHits(this.dialect, this.#termShares, scope, query, limit));
  }

  upsertWaypoints(scope: UserScope, links: ReadonlyArray<{ srcId: string; dstId: string; weight: number }>): Promise<void> {
    return this.driver.write(waypoints.writeLinks(this.dialect, scope, links, Date.now()));
  }
  outgoingWaypoints(scope: UserScope, srcIds: readonly string[]): Promise<Waypoint[]> {
    return this.driver.read(waypoints.outgoingWaypoints(this.dialect, scope, srcIds));
  }
  recordRecall(scope: UserScope, recall: RecallWrite): Promise<void> {
    // Reinforcement is worth less than a flush to disk per query.
    return this.driver.write(waypoints.recordRecall(this.dialect, scope, recall, Date.now()), { lazyFlush: true });
  }
  pruneWaypoints(scope: UserScope, minWeight: number): Promise<number> {
    return this.driver.write(waypoints.pruneWaypoints(this.dialect, scope, minWeight));
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
  deleteUserData(scope: UserScope): Promise<DeletedCounts> {
    return this.driver.write(users.deleteUserData(this.dialect, scope));
  }

  adminListUsers(): Promise<Array<string | null>> {
    return this.driver.read(admin.adminListUsers(this.dialect));
  }
  adminSectorStats(): Promise<SectorStat[]> {
    return this.driver.read(admin.adminSectorStats(this.dialect));
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
    return this.driver.write(admin.recordStat(this.dialect, type, count, ts));
  }
  statsSince(ts: number): Promise<Array<{ type: string; count: number; ts: number }>> {
    return this.driver.read(admin.statsSince(this.dialect, ts));
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
