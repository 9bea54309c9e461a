/**
 * The in-process API of the memory engine: what HTTP, MCP, CLI and SDK call.
 * Every user-data method takes the caller's {@link UserScope}; interfaces resolve it
 * once (from the API key and the request's user_id) and never widen it.
 * Errors are {@link OmError}s (not_found for ids outside the scope, validation_error, ...).
 */
import type { ScoreParts } from '../core/scoring.js';
import type { Sector } from '../core/types.js';
import type { EmbedMetricsSnapshot } from '../embed/metrics.js';
import type { DeletedCounts, HistoryEvent, ModelStats, SectorStat, StatRow, UserStats } from '../store/store.js';
import type { UserScope } from '../store/scope.js';
import type { VolatileFact } from '../store/ops/temporal.js';
import type {
  AddFactInput,
  FactComparisonView,
  FactStatsView,
  FactView,
  FindFactsInput,
  TimelineView,
} from './temporal.js';

export interface AddInput {
  content: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  /** Overrides classification when it names a sector (also read from metadata.sector, as v1.2). */
  sector?: Sector;
  /** Initial salience override (0..1). */
  salience?: number;
  /** Creation time override (import); defaults to now. */
  createdAt?: number;
  /** The new memory's id (a lower-case UUID; import: stable, so a rerun finds it); defaults to a random one. */
  id?: string;
}

/** A long document: a root memory and its sections (ingestion). */
export interface DocumentInput {
  root: AddInput;
  sections: AddInput[];
  /** Weight of the root's link to each section. */
  weight: number;
}

export interface AddResult {
  id: string;
  primary_sector: Sector;
  sectors: Sector[];
  chunks: number;
  /** True when the content matched an existing memory of the same user, which was reinforced instead. */
  deduplicated?: true;
}

export interface QueryInput {
  query: string;
  /** Number of results, 1..100 (default 8). */
  k?: number;
  /** Restrict to these sectors (memories whose primary sector is one of them). */
  sectors?: Sector[];
  /** Minimum final score (0..1). */
  minScore?: number;
  /** Minimum decayed salience (0..1). */
  minSalience?: number;
  /** Only memories created in [since, until]. */
  since?: number;
  until?: number;
  /** Only memories carrying all of these tags. */
  tags?: string[];
  /** Skip reinforcement side effects (dry reads, tests, benchmarks). */
  reinforce?: boolean;
}

/** The parts of a match's score (defined with the scoring in the core). */
export type { ScoreParts };

export interface QueryMatch {
  id: string;
  content: string;
  /** In [0, 1], meaningful on its own (no per-query normalisation). */
  score: number;
  sectors: Sector[];
  primary_sector: string;
  /** Waypoint trace from the seed candidate to this memory (ids of the same user). */
  path: string[];
  /** Decayed salience at query time. */
  salience: number;
  last_seen_at: number;
  tags: string[] | null;
  metadata: Record<string, unknown>;
  created_at: number;
  parts: ScoreParts;
}

export interface QueryResult {
  query: string;
  matches: QueryMatch[];
}

/** A memory as the v1.2 API shows it. */
export interface MemoryView {
  id: string;
  content: string;
  primary_sector: string;
  sectors: Sector[];
  tags: string[] | null;
  metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  last_seen_at: number;
  salience: number;
  decay_lambda: number;
  version: number;
  user_id: string | null;
}

/** One change of a memory (see Store.memoryHistory). */
export interface HistoryView {
  event: HistoryEvent;
  /** The content after the change; null once deleted. */
  content: string | null;
  /** The content before; null for an add. */
  previous_content: string | null;
  /** `update`/`supersede`: `fields` changed; `reinforce`: `salience` reached; a merged repeat: `repeated_by`. */
  detail: Record<string, unknown> | null;
  /** The API key id that made it, `admin` (OM_API_KEY) or `local` (no key: CLI, SDK, keyless server). */
  actor: string;
  at: number;
}

export interface ListInput {
  limit?: number;
  offset?: number;
  sector?: Sector;
  /** Only memories created at or after this time. */
  createdFrom?: number;
  /** Default `created_desc` (v1.2 order). */
  order?: 'created_desc' | 'updated_desc' | 'salience_desc' | 'last_seen_desc';
}

export interface UpdateInput {
  content?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

export interface UserSummaryView {
  user_id: string | null;
  summary: string;
  reflection_count: number;
  updated_at: number;
}

/** A waypoint: `from` leads to `to` with this weight (both memories of one user). */
export interface LinkView {
  from: string;
  to: string;
  weight: number;
}

export interface ExportPageInput {
  offset: number;
  limit: number;
  withVectors: boolean;
}

export interface ExportPage {
  lines: string[];
  /** Memory lines among them (fewer than the limit: the last page). */
  memories: number;
}

export interface ImportInput {
  /** Lines of an export (src/engine/transfer/line-format.ts), all of the user imported into. */
  lines?: string[];
  /** The file's line number of `lines[0]`, so errors name the line of the file. */
  firstLine?: number;
  /** Links to restore once the memories are in (both ends must be the user's; others are ignored). */
  links?: LinkView[];
}

export interface ImportReport {
  imported: number;
  skipped: number;
  /** Imported lines that carried no vectors and were embedded now. */
  embedded: number;
  links: number;
  /** User summaries restored. */
  users: number;
}

export interface EngineStats {
  user: UserStats;
}

/** What the interfaces need from the engine. Implemented by `Memory` (src/engine/memory.ts). */
export interface MemoryEngine {
  add(scope: UserScope, input: AddInput): Promise<AddResult>;
  /** Many memories in one transaction (bulk loading). */
  addMany(scope: UserScope, inputs: AddInput[]): Promise<AddResult[]>;
  query(scope: UserScope, input: QueryInput): Promise<QueryResult>;
  get(scope: UserScope, id: string): Promise<MemoryView>;
  list(scope: UserScope, input?: ListInput): Promise<MemoryView[]>;
  update(scope: UserScope, id: string, input: UpdateInput): Promise<MemoryView>;
  delete(scope: UserScope, id: string): Promise<void>;
  /**
   * A root and its sections in one transaction: each section's metadata gets `parent_id` (the
   * root's id) and the root links to every distinct section. Results: the root's, then each section's.
   */
  addDocument(scope: UserScope, input: DocumentInput): Promise<AddResult[]>;
  /**
   * Links `srcId` to each of `dstIds` with `weight`, in one transaction.
   * Ids outside the scope are ignored. Returns how many links were written.
   */
  link(scope: UserScope, srcId: string, dstIds: readonly string[], weight: number): Promise<number>;
  /** Outgoing waypoints of the user's memories `ids`, strongest first (other ids give none). */
  links(scope: UserScope, ids: readonly string[]): Promise<LinkView[]>;
  /** One page of the user's export as JSON lines, newest first; the first page leads with the summary line. */
  exportPage(scope: UserScope, input: ExportPageInput): Promise<ExportPage>;
  /** Loads export lines and links into the user (validated before anything is written). */
  importLines(scope: UserScope, input: ImportInput): Promise<ImportReport>;
  /** The memory's history, oldest first, also once deleted (until the user is erased). */
  history(scope: UserScope, id: string): Promise<HistoryView[]>;
  /** Adds `boost` (default 0.1) to the memory's salience, capped at 1. Returns the new salience. */
  reinforce(scope: UserScope, id: string, boost?: number): Promise<number>;
  /** The stored summary; computed on the spot when the user has none yet. */
  userSummary(scope: UserScope): Promise<UserSummaryView>;
  regenerateSummary(scope: UserScope): Promise<UserSummaryView>;
  deleteUser(scope: UserScope): Promise<DeletedCounts>;
  userStats(scope: UserScope): Promise<UserStats>;
  /** A temporal fact of the user; it closes the user's current fact of the same subject and predicate. */
  addFact(scope: UserScope, input: AddFactInput): Promise<FactView>;
  findFacts(scope: UserScope, input: FindFactsInput): Promise<FactView[]>;
  /** Confidence, metadata or the end of validity of one of the user's facts; not_found otherwise. */
  updateFact(
    scope: UserScope,
    id: string,
    patch: { confidence?: number; metadata?: Record<string, unknown>; validTo?: number },
  ): Promise<FactView>;
  factTimeline(scope: UserScope, subject: string, predicate?: string): Promise<TimelineView[]>;
  compareFacts(scope: UserScope, subject: string, time1: number, time2: number): Promise<FactComparisonView>;
  factStats(scope: UserScope): Promise<FactStatsView>;
  volatileFacts(scope: UserScope, subject: string | undefined, limit: number): Promise<VolatileFact[]>;
  /** Admin: upstream's confidence decay over every user's current facts. */
  adminDecayFacts(rate: number): Promise<number>;
  /**
   * Admin: the user owning a memory, for admin calls by id that name no user (v1.2 acted on the
   * memory wherever it lived); undefined when no memory has the id.
   */
  adminMemoryOwner(id: string): Promise<string | null | undefined>;
  /** Admin: every user id (default user as null). */
  adminListUsers(): Promise<Array<string | null>>;
  adminSectorStats(): Promise<SectorStat[]>;
  /** Maintenance job runs over all users (`stats` rows: decay, reflect, prune) since `since`. */
  jobStats(since: number): Promise<StatRow[]>;
  /** What jobs and reinforcements did to the user's memories (decay, reflect, prune, consolidate) since `since`. */
  userJobStats(scope: UserScope, since: number): Promise<StatRow[]>;
  /** The same for every user. */
  adminUserJobStats(since: number): Promise<StatRow[]>;
  /** Embedding calls, texts, latency and errors per provider since start-up; empty for in-process embedders. */
  embeddingMetrics(): Promise<EmbedMetricsSnapshot>;
  /** The per-user models the engine holds in memory (see Store.view). */
  modelStats(): Promise<ModelStats>;
  close(): Promise<void>;
}
