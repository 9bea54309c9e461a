/**
 * The storage contract. One adapter per backend (./sqlite, ./postgres) implements it,
 * and one contract suite (test/contract) proves both.
 *
 * Rules every adapter keeps:
 * - Every method that reads or writes user data takes a {@link UserScope} first and
 *   touches nothing outside it: an id of another user behaves exactly like a missing id.
 * - Each write method is one transaction: it applies completely or not at all.
 * - Methods spanning users are named `admin*` and are for jobs, CLI and admin routes only.
 * - Times are epoch milliseconds as JS numbers on both backends.
 */
import type { MemoryRecord, Sector, SectorVector, UserRecord, Waypoint } from '../core/types.js';
import type { TermLookup } from '../core/vocabulary.js';
import type { Fact } from '../core/temporal.js';
import type { FactPatch, FactQuery, VolatileFact } from './ops/temporal.js';
import type { UserScope } from './scope.js';

/** Facts about a backend that callers may ask about; never branch on the backend's name. */
/** One `stats` row: a maintenance counter. */
export interface StatRow {
  type: string;
  count: number;
  ts: number;
}

export interface StoreCapabilities {
  /** Several processes may write the same database at once (PostgreSQL) or one host only (SQLite file). */
  readonly multiNode: boolean;
  /** Largest number of bound parameters one statement may take. */
  readonly maxParams: number;
}

/** A memory to insert, with everything that must land in the same transaction. */
export interface NewMemory {
  memory: Omit<MemoryRecord, 'userId'>;
  vectors: SectorVector[];
  /** Outgoing links of the new memory; destinations must belong to the same user or they are ignored. */
  waypoints: Array<{ dstId: string; weight: number }>;
  /** Links from memories of the same user to the new one (its predecessor in a thread links forward). */
  incoming?: Array<{ srcId: string; weight: number }>;
  /** Who added it, for its history, when not the scope's actor (adds of several callers written together). */
  actor?: string;
  /** Later adds of the same call that repeated it: recorded as superseding it, after its add. */
  repeats?: Array<{ content: string; actor: string }>;
}

/**
 * An existing memory that an add repeated (a near-duplicate): reinforced, adopting new tags, in
 * the add's transaction, and recorded in its history as superseded by the repeat.
 */
export interface MemoryMerge {
  id: string;
  salience: number;
  lastSeenAt: number;
  /** The memory's tags with the repeat's, when they grew. */
  tags?: string[];
  /** The text that repeated it. */
  repeatedBy: string;
  /** Who added the repeat, when not the scope's actor. */
  actor?: string;
}

export interface InsertOptions {
  /** Also each memory's completed embed-log entry (the embedder that made its vectors). */
  embedLog?: { model: string; ts: number };
  merges?: readonly MemoryMerge[];
  /** When the add happened, for the history (default now). */
  at?: number;
}

/** What changed a memory (see {@link Store.memoryHistory}). Automatic changes (recall, decay) are not recorded. */
export type HistoryEvent = 'add' | 'update' | 'reinforce' | 'supersede' | 'delete';

export interface HistoryEntry {
  memoryId: string;
  /** `supersede`: its content was replaced, or a repeat was merged into it. */
  event: HistoryEvent;
  /** The content after the change (null once deleted). */
  content: string | null;
  /** The content before the change (null for an add). */
  previousContent: string | null;
  /** What else the change did: fields changed, salience reached, the repeating text. */
  detail: Record<string, unknown> | null;
  /** The scope's actor (see UserScope.actor). */
  actor: string;
  at: number;
}

export interface MemoryPatch {
  content?: string;
  simhash?: string | null;
  primarySector?: string;
  tags?: string[] | null;
  meta?: Record<string, unknown>;
  decayLambda?: number;
  salience?: number;
  meanDim?: number | null;
  meanVec?: Float32Array | null;
  /** When given, all vectors of the memory are replaced by these. */
  vectors?: SectorVector[];
  updatedAt: number;
  /** Increment `version` by one. */
  bumpVersion?: boolean;
}

/** Salience / recency changes applied in one statement batch (reinforcement, decay). */
export interface SalienceUpdate {
  id: string;
  salience: number;
  lastSeenAt?: number;
  feedbackScore?: number;
}

/** A salience set by hand (see Store.reinforceMemory). */
export type Reinforcement = Required<Pick<SalienceUpdate, 'id' | 'salience' | 'lastSeenAt'>>;

export interface GetOptions {
  /** false: leave `meanVec` null instead of reading it (default true). */
  meanVec?: boolean;
}

export interface ListOptions {
  limit: number;
  offset: number;
  /** Only memories whose primary sector is one of these. */
  sectors?: readonly string[];
  /** Only memories created at or after / before this time. */
  createdFrom?: number;
  createdTo?: number;
  /** Default `created_desc`. */
  order?: 'created_desc' | 'updated_desc' | 'salience_desc' | 'last_seen_desc';
}

export interface LinkKey {
  srcId: string;
  dstId: string;
}

/** One string per (src, dst) pair, for maps and sets of links. */
export const linkKey = (l: LinkKey): string => `${l.srcId}\u0000${l.dstId}`;

/** What one recall teaches (see Store.recordRecalls), as data: how it weighs links is the core's `recalledWeight`. */
export interface RecallWrite {
  salience: readonly SalienceUpdate[];
  /** Links on the path to the answer: each strengthens where it still exists. */
  path: readonly LinkKey[];
  /** Links between memories recalled together; `gap`: ms between the two ends' last sightings. */
  coactivated: ReadonlyArray<LinkKey & { gap: number }>;
}

/** An outgoing link as a query walks it (see {@link UserView.outgoing}). */
export interface Link {
  readonly dstId: string;
  readonly weight: number;
}

/**
 * A memory's outgoing links by row (see {@link UserView.outgoingAt}), strongest first: entries
 * `start` to `start + count` of `dstRows` and `weights`, valid until the view's next change.
 */
export interface RowLinks {
  readonly dstRows: Int32Array;
  readonly weights: Float64Array;
  readonly start: number;
  readonly count: number;
}

/** What a query reads of a memory (see {@link UserView}). */
export interface RecallMemory {
  readonly id: string;
  readonly content: string;
  readonly primarySector: string;
  readonly simhash: string | null;
  readonly tags: readonly string[] | null;
  /** The metadata object as JSON text (`{}` when the stored text is not an object); parse it to hand it out. */
  readonly metaJson: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly salience: number;
  readonly feedbackScore: number;
  /**
   * The content's canonical tokens (core/tokens) in text order, as ids in the view's
   * vocabulary ({@link UserView.terms}); valid until the view's next change.
   */
  readonly terms: Int32Array;
}

/** A memory as the database gives it to a user model, which numbers its terms itself. */
export type RecallRow = Omit<RecallMemory, 'terms'>;

/**
 * One user's memories, held in this process and answered without a round trip: rows, outgoing
 * links, full-text and vector search. It reflects every write committed before
 * {@link Store.view} was called (later ones may show too); nothing in it belongs to another user.
 * Arrays it returns are frozen.
 */
export interface UserView {
  /** How many memories the user has. */
  readonly size: number;
  /** The terms of the user's memories by id (see {@link RecallMemory.terms}). */
  readonly terms: TermLookup;
  memory(id: string): RecallMemory | undefined;
  /** Outgoing links of the memory, strongest first. */
  outgoing(id: string): readonly Link[];
  /**
   * The same by the memory's row: the number hits give each memory, valid while the view is not
   * written to (within one synchronous pass, such as a query's ranking). A ranking keyed by rows
   * reads typed arrays where one keyed by ids would hash a string per candidate and per sector.
   */
  idAt(row: number): string | undefined;
  memoryAt(row: number): RecallMemory | undefined;
  outgoingAt(row: number): RowLinks;
  /** One query's vectors (one per sector) against the user's vector indexes. */
  probe(queries: ReadonlyMap<Sector, Float32Array>): VectorProbe;
  /**
   * The newest memory of a thread (memories whose metadata has this `thread_id`): the latest
   * `created_at`, among equal ones the last added.
   */
  threadTail(thread: string): string | undefined;
  /** The best memories for these canonical tokens by BM25 over the user's own memories. */
  searchText(tokens: readonly string[], limit: number): TextHit[];
}

/** Searches of one query's vectors (see {@link UserView.probe}). */
export interface VectorProbe {
  /** Nearest neighbours by cosine within the sector: exact, or from the closest groups of a large index's partition. */
  nearest(sector: Sector, k: number): VectorHit[];
  /**
   * Cosine of the memory's vector with the query of each sector where it has a vector of the
   * query's dimension (none for a memory of another user).
   */
  similarities(id: string): ReadonlyMap<Sector, number>;
  /** The same by the memory's row in the view (see {@link UserView.idAt}). */
  similaritiesAt(row: number): ReadonlyMap<Sector, number>;
}

export interface VectorHit {
  id: string;
  /** The memory's row in the view (see {@link UserView.idAt}); -1 when the index was searched without the view. */
  row: number;
  /** Cosine similarity. */
  similarity: number;
}

/** All vectors of one user in one sector, as a dense matrix for in-process search. */
export interface SectorMatrix {
  ids: string[];
  dim: number;
  /** `ids.length × dim` float32 values, row-major. Rows whose length differs from `dim` are left out. */
  data: Float32Array;
}

export interface TextHit {
  id: string;
  /** The memory's row in the view (see {@link UserView.idAt}). */
  row: number;
  /** BM25 score: larger is better; comparable only within one call. */
  rank: number;
}

export interface SectorStat {
  sector: string;
  count: number;
  avgSalience: number;
}

export interface UserStats {
  memories: number;
  vectors: number;
  waypoints: number;
  sectors: SectorStat[];
  avgSalience: number;
  createdLast24h: number;
  lastCreatedAt: number | null;
}

export interface DeletedCounts {
  memories: number;
  vectors: number;
  waypoints: number;
  /** The user's row (summary), 0 or 1. */
  users: number;
  /** The user's API keys: an erased user can no longer call. */
  apiKeys: number;
  embedLogs: number;
  /** Temporal facts (their edges go with them). */
  facts: number;
}

export interface ApiKeyRecord {
  id: string;
  /** `null` for an admin key; otherwise the user the key is bound to (DEFAULT_USER_KEY for the default user). */
  userKey: string | null;
  role: 'admin' | 'user';
  label: string | null;
  /** SHA-256 hex of the secret. */
  hash: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface EmbedLogEntry {
  /** The memory id (v1.2 meaning), or a generated id for calls not tied to one memory. */
  id: string;
  model: string;
  status: 'pending' | 'completed' | 'failed';
  ts: number;
  err: string | null;
}

/** New vectors for one memory (re-embedding); applied only while `updated_at` still equals `expectedUpdatedAt`. */
export interface VectorReplacement {
  id: string;
  expectedUpdatedAt: number;
  vectors: SectorVector[];
  meanVec: Float32Array | null;
}

/** Which memories {@link Store.staleMemories} looks for. */
export interface StaleQuery {
  /** The embedder id (`vectors.model`) and dimension current vectors carry. */
  model: string;
  dim: number;
  /** Only memories with this primary sector. */
  sector?: string;
  /**
   * Only memories with a vector upstream OpenMemory wrote (`model` NULL) or with none (upstream's
   * ingest root has none): the upgrade's selection. Otherwise also vectors of another model or dimension.
   */
  upstreamOnly?: boolean;
  /** Keyset paging: only memories after this one (in id order, or in storage order where the backend has one). */
  afterId?: string;
  limit: number;
}

export interface StaleMemory {
  id: string;
  primarySector: string;
  /** Sectors the memory has vectors in (known sector names only). */
  sectors: Sector[];
  /** What to embed, and the `updated_at` a replacement must still find. */
  content: string;
  updatedAt: number;
}

export interface AdminStaleMemory extends StaleMemory {
  userId: string | null;
}

export interface ModelStats {
  users: number;
  /** Estimated bytes the models held take. */
  bytes: number;
  /** The most they may take (OM_MODEL_MEMORY_MB). */
  budgetBytes: number;
  /** Models loaded whole from the database (first use, after an eviction, or a change too large to catch up on). */
  loads: number;
  /** Milliseconds those loads took, in all and the longest. */
  loadMs: number;
  loadMsMax: number;
  /** Models dropped to stay within the budget. */
  evictions: number;
}

/** The stats of several stores (engine threads) as one: sums, and the longest load. */
export function mergeModelStats(a: ModelStats, b: ModelStats): ModelStats {
  return {
    users: a.users + b.users,
    bytes: a.bytes + b.bytes,
    budgetBytes: a.budgetBytes + b.budgetBytes,
    loads: a.loads + b.loads,
    loadMs: a.loadMs + b.loadMs,
    loadMsMax: Math.max(a.loadMsMax, b.loadMsMax),
    evictions: a.evictions + b.evictions,
  };
}

export interface ModelCount {
  model: string | null;
  dim: number;
  vectors: number;
}

export interface Store {
  readonly capabilities: StoreCapabilities;
  /** Human-readable location for logs: a file path or `postgres://host/db (schema)`. */
  readonly location: string;

  // ---- memories ---------------------------------------------------------
  /**
   * Inserts memories with their vectors and waypoints, and applies the merges of the same add,
   * in one transaction that also records each in its memory's history.
   */
  insertMemories(scope: UserScope, items: NewMemory[], options?: InsertOptions): Promise<void>;
  getMemory(scope: UserScope, id: string): Promise<MemoryRecord | null>;
  /** Memories among `ids` that belong to the scope, in no particular order. */
  getMemories(scope: UserScope, ids: readonly string[], options?: GetOptions): Promise<MemoryRecord[]>;
  listMemories(scope: UserScope, options: ListOptions): Promise<MemoryRecord[]>;
  countMemories(scope: UserScope): Promise<number>;
  /** Memories of the scope with exactly one of these simhashes, highest salience first. */
  findBySimhash(scope: UserScope, simhashes: readonly string[]): Promise<MemoryRecord[]>;
  /**
   * Applies the patch atomically, recorded in the memory's history (`supersede` when the content
   * changes, else `update`); `false` when the id is not the scope's.
   */
  updateMemory(scope: UserScope, id: string, patch: MemoryPatch): Promise<boolean>;
  /** Batch salience/last-seen writes (recall, decay: no history); ids outside the scope are ignored; rows changed. */
  updateSalience(scope: UserScope, updates: readonly SalienceUpdate[]): Promise<number>;
  /** A reinforcement by hand: the salience write and its history entry; `false` when the id is not the scope's. */
  reinforceMemory(scope: UserScope, update: Reinforcement): Promise<boolean>;
  /** Deletes the memory, its vectors and every waypoint from or to it; its history stays (entry `delete` at `at`). */
  deleteMemory(scope: UserScope, id: string, at?: number): Promise<boolean>;
  /** The memory's history, oldest first; also of a deleted memory (empty when the scope has none). */
  memoryHistory(scope: UserScope, id: string): Promise<HistoryEntry[]>;

  // ---- vectors ----------------------------------------------------------
  /**
   * Replaces the vectors and mean vector of several memories of the scope in one transaction,
   * skipping any whose `updated_at` changed since it was read. Returns the ids written.
   */
  replaceVectors(scope: UserScope, items: readonly VectorReplacement[]): Promise<string[]>;
  /**
   * Memories of the scope with no vector or with a vector of another model or dimension
   * (upstream's NULL included), in id order; reads no vector data.
   */
  staleMemories(scope: UserScope, query: StaleQuery): Promise<StaleMemory[]>;
  /** How many memories {@link Store.staleMemories} would return in all its pages. */
  countStaleMemories(scope: UserScope, query: Omit<StaleQuery, 'afterId' | 'limit'>): Promise<number>;
  /** Vectors of the given memories (only those in scope), keyed by memory id. */
  getVectors(scope: UserScope, ids: readonly string[]): Promise<Map<string, SectorVector[]>>;
  /**
   * The scope's memories held in process, brought up to date by one read of the user's epoch
   * (and, when someone wrote since, of the journal entries and the memories they name).
   */
  view(scope: UserScope): Promise<UserView>;
  /** Every vector of the scope in one sector, for an in-process index. */
  loadSectorMatrix(scope: UserScope, sector: Sector): Promise<SectorMatrix>;

  // ---- waypoints --------------------------------------------------------
  /** Inserts or updates links (key: src, dst); links whose ends are not both in scope are ignored. */
  upsertWaypoints(
    scope: UserScope,
    links: ReadonlyArray<{ srcId: string; dstId: string; weight: number }>,
  ): Promise<void>;
  /** Outgoing links of the given memories, within the scope, strongest first. */
  outgoingWaypoints(scope: UserScope, srcIds: readonly string[]): Promise<Waypoint[]>;
  /**
   * What recalls teach (of one or more users), each in one transaction with others where that is
   * cheaper: the salience updates, then each listed link set to `recalledWeight` of its current
   * weight (../core/decay.ts). Links whose ends are not both in the recall's scope are ignored.
   * Answers per item the error that kept it from being written (undefined: written); a failing
   * recall never takes another down with it.
   * Committed without waiting for the disk where the backend can (a crash may lose the last
   * moment's reinforcement).
   */
  recordRecalls(items: ReadonlyArray<{ scope: UserScope; recall: RecallWrite }>): Promise<unknown[]>;
  /** Deletes the scope's links weaker than `minWeight`; returns how many. */
  pruneWaypoints(scope: UserScope, minWeight: number): Promise<number>;

  // ---- users ------------------------------------------------------------
  getUser(scope: UserScope): Promise<UserRecord | null>;
  /** Creates the user row if missing, then sets the summary (and adds to reflection_count). */
  saveUserSummary(scope: UserScope, summary: string, reflectionIncrement: number, now: number): Promise<UserRecord>;
  userStats(scope: UserScope): Promise<UserStats>;
  /**
   * Erases the user: every memory, vector, waypoint, history entry, temporal fact and edge, embed
   * log, API key, journal entry, stats row and the user row. Only the user's epoch counter stays
   * (its key and a number): other processes compare it with the models they hold, and a counter
   * going back would let them keep serving the erased data.
   */
  deleteUserData(scope: UserScope): Promise<DeletedCounts>;

  // ---- temporal facts ------------------------------------------------------
  findFacts(scope: UserScope, query: FactQuery): Promise<Fact[]>;
  getFact(scope: UserScope, id: string): Promise<Fact | null>;
  /** Inserts the fact, closing the current one of its subject and predicate that it supersedes (one transaction). */
  insertFact(scope: UserScope, fact: Omit<Fact, 'userId' | 'validTo'>): Promise<Fact>;
  /** The patched fact, or null when the id is not the scope's. */
  updateFact(scope: UserScope, id: string, patch: FactPatch, now: number): Promise<Fact | null>;
  factCounts(scope: UserScope): Promise<{ active: number; total: number }>;
  volatileFacts(scope: UserScope, subject: string | undefined, limit: number): Promise<VolatileFact[]>;
  /** Upstream's confidence decay over every user's current facts; returns how many changed. */
  adminDecayFacts(rate: number, now: number): Promise<number>;

  // ---- spanning users (jobs, CLI, admin routes) ---------------------------
  /** Every user that has a row in `users` or owns a memory; the default user as `null`. */
  adminListUsers(): Promise<Array<string | null>>;
  adminSectorStats(): Promise<SectorStat[]>;
  adminCountMemories(): Promise<number>;
  /**
   * The owner of a memory (null: the default user), undefined when no memory has the id: for an
   * admin acting on a memory by id without naming its user, as v1.2 let it.
   */
  adminMemoryOwner(id: string): Promise<string | null | undefined>;
  adminVectorModels(): Promise<ModelCount[]>;
  /** {@link Store.staleMemories} of every user in one walk of the primary key, each with its owner. */
  adminStaleMemories(query: StaleQuery): Promise<AdminStaleMemory[]>;
  adminCountStaleMemories(query: Omit<StaleQuery, 'afterId' | 'limit'>): Promise<number>;
  /** {@link Store.replaceVectors} for several users (each group within its scope) in one transaction. */
  adminReplaceVectors(
    groups: ReadonlyArray<{ scope: UserScope; items: readonly VectorReplacement[] }>,
  ): Promise<string[]>;

  // ---- API keys (admin) ---------------------------------------------------
  adminCreateApiKey(key: ApiKeyRecord): Promise<void>;
  adminFindApiKey(hash: string): Promise<ApiKeyRecord | null>;
  adminListApiKeys(): Promise<ApiKeyRecord[]>;
  adminRevokeApiKey(id: string, now: number): Promise<boolean>;
  /** Sets `last_used_at` (callers throttle: authentication must not write on every request). */
  adminTouchApiKey(id: string, now: number): Promise<void>;

  // ---- logs and counters --------------------------------------------------
  writeEmbedLogs(entries: readonly EmbedLogEntry[]): Promise<void>;
  /** Appends a job run over all users to the `stats` table (v1.2 meaning: type, count, ts). */
  recordStat(type: string, count: number, ts: number): Promise<void>;
  /** Job runs since `ts` (not the per-user rows). */
  statsSince(ts: number): Promise<StatRow[]>;
  /** Appends what a job run or a request did to the user's memories (consolidations, decayed memories, ...). */
  recordUserStat(scope: UserScope, type: string, count: number, ts: number): Promise<void>;
  userStatsSince(scope: UserScope, ts: number): Promise<StatRow[]>;
  /** Every user's rows since `ts`. */
  adminUserStatsSince(ts: number): Promise<StatRow[]>;

  /** The user models this process holds (see {@link Store.view}): count, estimated bytes, budget, loads, evictions. */
  modelStats(): ModelStats;

  close(): Promise<void>;
}
