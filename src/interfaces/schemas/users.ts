/** Request shapes of /users/:user_id/* and the admin key routes. */
import { z } from 'zod';
import { MAX_USER_ID_LENGTH } from '../../store/scope.js';
import { DEFAULT_USER_NAME } from '../default-user.js';
import { queryInt } from './common.js';

export const userPathParams = z.object({
  user_id: z.string().min(1).max(MAX_USER_ID_LENGTH).describe(`a user id; ${DEFAULT_USER_NAME} names the default user`),
});

export const userMemoriesQuery = z.object({
  l: queryInt(1, 1000).optional(),
  u: queryInt(0, 1_000_000_000).optional(),
});

export const createApiKeyBody = z.object({
  /** null, '' or `@default` binds the key to the default user. */
  user_id: z.string().max(MAX_USER_ID_LENGTH).nullable(),
  label: z.string().max(200).optional(),
});

export const apiKeyParams = z.object({ id: z.string().min(1).max(128) });
