/**
 * Request shapes of /lgm/*. The openmemory-js SDK types `node_id` and `k` where v1.2's server
 * reads `node` and `limit`, so both spellings are accepted.
 */
import { z } from 'zod';
import { metadataField, nonBlankText, tagsField, userIdField } from './common.js';
import { MAX_CONTENT_CHARS } from './memory.js';

function aliases(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const o = { ...(input as Record<string, unknown>) };
  if (o.node === undefined && o.node_id !== undefined) o.node = o.node_id;
  if (o.limit === undefined && o.k !== undefined) o.limit = o.k;
  delete o.node_id;
  delete o.k;
  return o;
}

const node = z.string().trim().min(1).max(100);
const scopeFields = {
  namespace: z.string().min(1).max(200).optional(),
  graph_id: z.string().min(1).max(200).nullable().optional(),
  user_id: userIdField,
};
const limit = z.number().int().min(1).max(500).optional();

export const lgmStoreBody = z.preprocess(
  aliases,
  z.object({
    node,
    content: nonBlankText(MAX_CONTENT_CHARS),
    tags: tagsField.optional(),
    metadata: metadataField.optional(),
    reflective: z.boolean().optional(),
    ...scopeFields,
  }),
);

export const lgmRetrieveBody = z.preprocess(
  aliases,
  z.object({
    node,
    query: nonBlankText(10_000).optional(),
    limit,
    include_metadata: z.boolean().optional(),
    ...scopeFields,
  }),
);

export const lgmContextBody = z.preprocess(aliases, z.object({ node: node.optional(), limit, ...scopeFields }));

export const lgmReflectionBody = z.preprocess(
  aliases,
  z.object({
    node: node.optional(),
    content: nonBlankText(MAX_CONTENT_CHARS).optional(),
    context_ids: z.array(z.string().min(1).max(128)).max(100).optional(),
    ...scopeFields,
  }),
);
