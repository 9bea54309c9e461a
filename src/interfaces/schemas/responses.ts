/**
 * Reply shapes of the main routes, for /openapi.json. Each is checked against the type the engine
 * returns (`satisfies`), and the route declaration ties it to its handler's result, so the
 * document cannot drift from what the server sends.
 */
import { z } from 'zod';
import { SECTORS } from '../../core/types.js';
import type { ScoreParts } from '../../core/scoring.js';
import type { AddResult, MemoryView, QueryMatch, UserSummaryView } from '../../engine/api.js';
import type { IngestResult } from '../../features/ingest/ingest.js';
import type { ApiKeyView, CreatedApiKey } from '../../sdk/types.js';
import type { DeletedCounts } from '../../store/store.js';
import { ERRORS, type ErrorCode } from '../../errors.js';

const sector = z.enum(SECTORS);
const userId = z.string().nullable().describe('null: the default user');
const millis = z.number().describe('milliseconds since 1970');
const metadata = z.record(z.string(), z.unknown());

export const errorReply = z.object({
  error: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  retry_after: z.number().int().optional().describe('rate_limit_exceeded: seconds until the window resets'),
  request_id: z.string().optional().describe('internal: the id the server log has the error under'),
});

export const okReply = z.object({ ok: z.literal(true) });

export const addReply = z.object({
  id: z.string(),
  primary_sector: sector,
  sectors: z.array(sector),
  chunks: z.number().int(),
  deduplicated: z.literal(true).optional().describe("matched one of the user's memories, which was reinforced instead"),
}) satisfies z.ZodType<AddResult>;

export const addBatchReply = z.object({ results: z.array(addReply) });

export const memoryReply = z.object({
  id: z.string(),
  content: z.string(),
  primary_sector: z.string(),
  sectors: z.array(sector),
  tags: z.array(z.string()).nullable(),
  metadata,
  created_at: millis,
  updated_at: millis,
  last_seen_at: millis,
  salience: z.number(),
  decay_lambda: z.number(),
  version: z.number().int(),
  user_id: userId,
}) satisfies z.ZodType<MemoryView>;

const scoreParts = z.object({
  similarity: z.number(),
  overlap: z.number(),
  waypoint: z.number(),
  recency: z.number(),
  keyword: z.number(),
  tag: z.number(),
  salience: z.number(),
}) satisfies z.ZodType<ScoreParts>;

const queryMatch = z.object({
  id: z.string(),
  content: z.string(),
  score: z.number().describe('in [0, 1], comparable across queries'),
  sectors: z.array(sector),
  primary_sector: z.string(),
  path: z.array(z.string()).describe('waypoint trace from the seed memory to this one'),
  salience: z.number(),
  last_seen_at: millis,
  tags: z.array(z.string()).nullable(),
  metadata,
  created_at: millis,
  parts: scoreParts,
}) satisfies z.ZodType<QueryMatch>;

export const queryReply = z.object({ query: z.string(), matches: z.array(queryMatch) });

export const listReply = z.object({ items: z.array(memoryReply) });

export const reinforceReply = z.object({ ok: z.literal(true), salience: z.number() });

export const updateReply = z.object({ id: z.string(), updated: z.literal(true) });

export const summaryReply = z.object({
  user_id: userId,
  summary: z.string(),
  reflection_count: z.number().int(),
  updated_at: millis,
}) satisfies z.ZodType<UserSummaryView>;

export const regenerateReply = summaryReply.extend({ ok: z.literal(true) });

export const userMemoriesReply = z.object({ user_id: userId, items: z.array(memoryReply) });

const deletedCounts = z.object({
  memories: z.number().int(),
  vectors: z.number().int(),
  waypoints: z.number().int(),
  users: z.number().int(),
  apiKeys: z.number().int(),
  embedLogs: z.number().int(),
  facts: z.number().int(),
}) satisfies z.ZodType<DeletedCounts>;

export const deleteUserReply = z.object({ ok: z.literal(true), deleted: z.number().int(), counts: deletedCounts });

export const regenerateAllReply = z.object({ ok: z.literal(true), updated: z.number().int() });

export const ingestReply = z.object({
  root_memory_id: z.string(),
  child_count: z.number().int(),
  total_tokens: z.number().int(),
  strategy: z.enum(['single', 'root-child']),
  extraction: z.looseObject({
    content_type: z.string(),
    char_count: z.number().int(),
    estimated_tokens: z.number().int(),
    extraction_method: z.string(),
  }),
}) satisfies z.ZodType<IngestResult>;

export const createdKeyReply = z.object({
  id: z.string(),
  key: z.string().describe('the secret, shown only once'),
  user_id: userId,
}) satisfies z.ZodType<CreatedApiKey>;

const apiKeyView = z.object({
  id: z.string(),
  user_id: userId,
  role: z.enum(['admin', 'user']),
  label: z.string().nullable(),
  created_at: millis,
  revoked_at: millis.nullable(),
  last_used_at: millis.nullable().describe('exact to a minute'),
}) satisfies z.ZodType<ApiKeyView>;

export const keyListReply = z.object({ keys: z.array(apiKeyView) });

export const revokeKeyReply = z.object({ ok: z.literal(true), id: z.string() });
