/**
 * Temporal facts of one user (upstream v1.3's /api/temporal routes): add a fact (closing the one
 * it supersedes), find facts as of a time, correct or invalidate one, and read a subject's
 * timeline or compare two times. Times are epoch ms inside, ISO 8601 on the wire, as upstream.
 */
import { randomUUID } from 'node:crypto';
import { compareAt, timeline, type Fact, type TimelineEntry } from '../core/temporal.js';
import { notFound } from '../errors.js';
import type { UserScope } from '../store/scope.js';
import type { FactQuery, VolatileFact } from '../store/ops/temporal.js';
import type { EngineContext } from './context.js';

export interface FactView {
  id: string;
  user_id: string | null;
  project_id: string | null;
  subject: string;
  predicate: string;
  object: string;
  valid_from: string;
  valid_to: string | null;
  confidence: number;
  last_updated: string;
  metadata: Record<string, unknown> | null;
}

export type TimelineView = Omit<TimelineEntry, 'timestamp'> & { timestamp: string };

export interface FactComparisonView {
  added: FactView[];
  removed: FactView[];
  changed: Array<{ before: FactView; after: FactView }>;
  unchanged: FactView[];
}

export interface FactStatsView {
  active_facts: number;
  historical_facts: number;
  total_facts: number;
  historical_percentage: string;
}

export interface AddFactInput {
  subject: string;
  predicate: string;
  object: string;
  validFrom: number;
  confidence: number;
  metadata: Record<string, unknown> | null;
}

export type FindFactsInput = Omit<FactQuery, 'limit'> & { limit?: number };

/** Facts one answer may carry (upstream's search stopped at 100, its other reads had no bound). */
const MAX_FACTS = 10_000;

const iso = (ms: number) => new Date(ms).toISOString();

export function toFactView(f: Fact): FactView {
  return {
    id: f.id,
    user_id: f.userId,
    project_id: f.projectId,
    subject: f.subject,
    predicate: f.predicate,
    object: f.object,
    valid_from: iso(f.validFrom),
    valid_to: f.validTo === null ? null : iso(f.validTo),
    confidence: f.confidence,
    last_updated: iso(f.lastUpdated),
    metadata: f.metadata,
  };
}

export async function addFact(ctx: EngineContext, scope: UserScope, input: AddFactInput): Promise<FactView> {
  const fact = await ctx.store.insertFact(scope, {
    id: randomUUID(),
    projectId: null,
    ...input,
    lastUpdated: ctx.now(),
  });
  return toFactView(fact);
}

export async function findFacts(ctx: EngineContext, scope: UserScope, input: FindFactsInput): Promise<FactView[]> {
  const facts = await ctx.store.findFacts(scope, { ...input, limit: Math.min(input.limit ?? MAX_FACTS, MAX_FACTS) });
  return facts.map(toFactView);
}

/** Confidence or metadata corrected, or the fact closed at `validTo` (its history stays). */
export async function updateFact(
  ctx: EngineContext,
  scope: UserScope,
  id: string,
  patch: { confidence?: number; metadata?: Record<string, unknown>; validTo?: number },
): Promise<FactView> {
  const fact = await ctx.store.updateFact(scope, id, patch, ctx.now());
  if (!fact) throw notFound('fact');
  return toFactView(fact);
}

function subjectHistory(ctx: EngineContext, scope: UserScope, subject: string, predicate?: string): Promise<Fact[]> {
  return ctx.store.findFacts(scope, {
    subject,
    ...(predicate === undefined ? {} : { predicate }),
    order: 'time',
    limit: MAX_FACTS,
  });
}

export async function factTimeline(
  ctx: EngineContext,
  scope: UserScope,
  subject: string,
  predicate?: string,
): Promise<TimelineView[]> {
  const entries = timeline(await subjectHistory(ctx, scope, subject, predicate));
  return entries.map((e) => ({ ...e, timestamp: iso(e.timestamp) }));
}

export async function compareFacts(
  ctx: EngineContext,
  scope: UserScope,
  subject: string,
  time1: number,
  time2: number,
): Promise<FactComparisonView> {
  const c = compareAt(await subjectHistory(ctx, scope, subject), time1, time2);
  return {
    added: c.added.map(toFactView),
    removed: c.removed.map(toFactView),
    changed: c.changed.map(({ before, after }) => ({ before: toFactView(before), after: toFactView(after) })),
    unchanged: c.unchanged.map(toFactView),
  };
}

export async function factStats(ctx: EngineContext, scope: UserScope): Promise<FactStatsView> {
  const { active, total } = await ctx.store.factCounts(scope);
  const historical = total - active;
  return {
    active_facts: active,
    historical_facts: historical,
    total_facts: total,
    historical_percentage: total > 0 ? `${((historical / total) * 100).toFixed(2)}%` : '0%',
  };
}

export function volatileFacts(
  ctx: EngineContext,
  scope: UserScope,
  subject: string | undefined,
  limit: number,
): Promise<VolatileFact[]> {
  return ctx.store.volatileFacts(scope, subject, limit);
}
