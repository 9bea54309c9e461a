/** Request shapes of the /memory routes (v1.2 field names). */
import { z } from 'zod';
import {
  memoryIdField,
  metadataField,
  nonBlankText,
  queryInt,
  score01,
  sectorField,
  tagsField,
  timestampField,
  userIdField,
  UUID_SHAPE,
} from './common.js';

export const MAX_CONTENT_CHARS = 200_000;

const memoryItem = z.object({
  content: nonBlankText(MAX_CONTENT_CHARS),
  tags: tagsField.optional(),
  metadata: metadataField.optional(),
  sector: sectorField.optional(),
  salience: score01.optional(),
  created_at: timestampField.optional(),
});

export const addMemoryBody = memoryItem.extend({ user_id: userIdField });

export const addBatchBody = z.object({
  items: z.array(memoryItem).min(1).max(1000),
  user_id: userIdField,
});

export const queryFilters = z.object({
  sector: sectorField.optional(),
  sectors: z.array(sectorField).optional(),
  min_score: score01.optional().describe("v1.2's meaning: a minimum salience, not a minimum match score"),
  min_salience: score01.optional(),
  tags: tagsField.optional(),
  since: timestampField.optional(),
  until: timestampField.optional(),
  user_id: userIdField,
});

export const queryMemoryBody = z.object({
  query: nonBlankText(10_000),
  k: z.number().int().min(1).max(100).optional(),
  filters: queryFilters.nullish(),
  user_id: userIdField,
});

export const reinforceBody = z.object({
  id: memoryIdField,
  boost: z.number().min(0).max(1).optional(),
  user_id: userIdField,
});

export const updateMemoryBody = z.object({
  content: nonBlankText(MAX_CONTENT_CHARS).optional(),
  tags: tagsField.optional(),
  metadata: metadataField.optional(),
  user_id: userIdField,
});

/** DELETE /memory/:id may name the user in its (optional) body, as v1.2 allowed. */
export const deleteMemoryBody = z.object({ user_id: userIdField });

/** `l`/`u` are v1.2's limit/offset names; `limit`/`offset` are accepted too. */
export const listMemoriesQuery = z.object({
  l: queryInt(1, 1000).optional(),
  u: queryInt(0, 1_000_000_000).optional(),
  limit: queryInt(1, 1000).optional(),
  offset: queryInt(0, 1_000_000_000).optional(),
  sector: sectorField.optional(),
  user_id: userIdField,
});

export const memoryIdParams = z.object({ id: z.string().regex(new RegExp(`^${UUID_SHAPE}$`)) });

/** The path of one memory's routes. */
export const MEMORY_PATH = `/memory/:id{${UUID_SHAPE}}`;

export const userQuery = z.object({ user_id: userIdField });

export const memoryLinksQuery = z.object({
  user_id: userIdField,
  depth: queryInt(1, 2).optional().describe('1: the memory and its links; 2 (default): also theirs'),
});
