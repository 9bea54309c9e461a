/** Field schemas shared by several request shapes (HTTP bodies, query strings, MCP tool inputs). */
import { z } from 'zod';
import { SECTORS } from '../../core/types.js';
import { MAX_USER_ID_LENGTH } from '../../store/scope.js';
import { DEFAULT_USER_NAME } from '../default-user.js';
import { nestedDeeperThan } from '../json-depth.js';

/** A user id as v1.2 clients send it; null, '' and `@default` name the default user. */
export const userIdField = z
  .string()
  .max(MAX_USER_ID_LENGTH)
  .nullable()
  .optional()
  .describe(`the user acted for; absent, null, '' or ${DEFAULT_USER_NAME} = the default user`);

export const sectorField = z.enum(SECTORS);

export const tagsField = z.array(z.string().max(256)).max(64);

/** Metadata is stored and returned whole: bounded so that a few memories cannot make a reply of megabytes. */
export const MAX_METADATA_DEPTH = 32;
export const MAX_METADATA_BYTES = 64 * 1024;

export const metadataField = z.record(z.string(), z.unknown()).superRefine((m, ctx) => {
  // Depth first: serialising a deeper object would overflow the stack.
  if (nestedDeeperThan(m, MAX_METADATA_DEPTH)) {
    const message = `must not nest objects or arrays more than ${MAX_METADATA_DEPTH} levels deep`;
    ctx.addIssue({ code: 'custom', message });
  } else if (Buffer.byteLength(JSON.stringify(m)) > MAX_METADATA_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON` });
  }
});

export const memoryIdField = z.string().min(1).max(128);

/**
 * Memory ids are UUIDs (every upstream release's too; new ones lower-case, src/store/ids.ts); the
 * id routes match only this shape, so that `/memory/serach` is an unknown route, not a missing memory.
 */
export const UUID_SHAPE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** Integers in query strings arrive as text. */
export const queryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const score01 = z.number().min(0).max(1);

/**
 * Text stored or searched exactly as sent (no trimming), yet not empty or only whitespace.
 */
export const nonBlankText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.trim().length > 0, { message: 'must not be empty or only whitespace' });

/** Epoch milliseconds. */
export const timestampField = z.number().int().nonnegative();
