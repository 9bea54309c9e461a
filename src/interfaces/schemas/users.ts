/** Request shapes of /users/:user_id/* and the admin key routes. */
import { z } from 'zod';
import { MAX_USER_ID_LENGTH } from '../../store/scope.js';
import { DEFAULT_USER_NAME } from '../default-user.js';
import { memoryIdField, queryInt } from './common.js';

export const userPathParams = z.object({
  user_id: z.string().min(1).max(MAX_USER_ID_LENGTH).describe(`a user id; ${DEFAULT_USER_NAME} names the default user`),
});

export const userMemoriesQuery = z.object({
  l: queryInt(1, 1000).optional(),
  u: queryInt(0, 1_000_000_000).optional(),
});

export const userListQuery = userMemoriesQuery.extend({
  fields: z
    .enum(['ids', 'counts', 'all'])
    .optional()
    .describe(
      "'ids': user ids only; 'counts': with counts; 'all' (default): also the summary (computed for users without a stored one)",
    ),
});

export const createApiKeyBody = z.object({
  /** null, '' or `@default` binds the key to the default user. */
  user_id: z.string().max(MAX_USER_ID_LENGTH).nullable(),
  label: z.string().max(200).optional(),
});

export const apiKeyParams = z.object({ id: z.string().min(1).max(128) });

export const exportQuery = z.object({
  with_vectors: z.enum(['true', 'false']).optional().describe('include the embeddings, so an import needs no embedder'),
});

/** A file goes up in parts: lines first (a batch a request), then the links they carried. */
export const importBody = z.object({
  lines: z.array(z.string().max(4_000_000)).max(1000).optional(),
  first_line: z.number().int().min(1).optional().describe('line number of lines[0] in the file, for error messages'),
  links: z
    .array(z.object({ from: memoryIdField, to: memoryIdField, weight: z.number().min(0).max(1) }))
    .max(20_000)
    .optional(),
});
