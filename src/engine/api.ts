/**
 * The in-process API of the memory engine: what HTTP, MCP, CLI and SDK call.
 * Every user-data method takes the caller's {@link UserScope}; interfaces resolve it
 * once (from the API key and the request's user_id) and never widen it.
 * Errors are {@link OmError}s (not_found for ids outside the scope, validation_error, ...).
 */
import type { ScoreParts } from '../core/scoring.js';
import type { Sector } from '../core/types.js';
import type { EmbedMetricsSnapshot } from '../embed/metrics.js';
import type { DeletedCounts, ModelStats, SectorStat, UserStats } from '../store/store.js';
import type { UserScope } from '../store/scope.js';
import type { VolatileFact } from '../store/ops/temporal.js';
import type { AddFactInput, FactComparisonView, FactStatsView, FactView, FindFactsInput, TimelineView } from './temporal.js';

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
   * Links `srcId` to each of `dstIds` with `weight` (ingestion: root → sections), in one transaction.
   * Ids outside the scope are ignored. Returns how many links were written.
   */
  link(scope: UserScope, srcId: string, dstIds: readonly string[], weight: number): Promise<number>;
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
  updateFact(scope: UserScope, id: string, patch: { confidence?: number; metadata?: Record<string, unknown>; validTo?: number }): Promise<FactView>;
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
  /** Maintenance counters (`stats` rows: decay, reflect, consolidate, ...) since `since`; no user data. */
  jobStats(since: number): Promise<Array<{ type: string; count: number; ts: number }>>;
  /** Embedding calls, texts, latency and errors per provider since start-up; empty for in-process embedders. */
  embeddingMetrics(): Promise<EmbedMetricsSnapshot>;
  /** The per-user models the engine holds in memory (see Store.view). */
  modelStats(): Promise<ModelStats>;
  close(): Promise<void>;
}
