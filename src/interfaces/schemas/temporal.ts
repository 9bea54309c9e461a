/** Request shapes of /api/temporal/* (upstream v1.3's field names and limits). */
import { z } from 'zod';
import { metadataField, queryInt, score01, userIdField } from './common.js';

/**
 * A time as ISO 8601 text or epoch milliseconds (a number, or digits in a query string),
 * given as epoch ms; anything else is a validation error naming the field.
 */
export const timeField = z.union([z.number(), z.string().max(64)]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v.trim()) : Date.parse(v);
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

const subjectField = z.string().min(1).max(1024);
const predicateField = z.string().min(1).max(1024);
const objectField = z.string().min(1).max(8192);

export const addFactBody = z.object({
  subject: subjectField,
  predicate: predicateField,
  object: objectField,
  valid_from: timeField.optional().describe('default: now'),
  confidence: score01.optional().describe('default 1'),
  metadata: metadataField.optional(),
  user_id: userIdField,
});

export const factQuery = z.object({
  subject: subjectField.optional(),
  predicate: predicateField.optional(),
  object: objectField.optional(),
  at: timeField.optional().describe('default: now'),
  min_confidence: z.coerce.number().min(0).max(1).optional().describe('default 0.1'),
  user_id: userIdField,
});

export const currentFactQuery = z.object({ subject: subjectField, predicate: predicateField, user_id: userIdField });

export const factIdParams = z.object({ id: z.string().min(1).max(128) });

export const updateFactBody = z.object({
  confidence: score01.optional(),
  metadata: metadataField.optional(),
  user_id: userIdField,
});

export const invalidateFactBody = z.object({
  valid_to: timeField.optional().describe('default: now'),
  user_id: userIdField,
});

export const timelineQuery = z.object({
  subject: subjectField,
  predicate: predicateField.optional(),
  user_id: userIdField,
});

export const subjectParams = z.object({ subject: subjectField });

export const subjectFactsQuery = z.object({
  at: timeField.optional(),
  include_historical: z.enum(['true', 'false']).optional(),
  user_id: userIdField,
});

export const searchFactsQuery = z.object({
  pattern: z.string().min(1).max(1024),
  field: z.enum(['subject', 'predicate', 'object']).optional().describe('default subject'),
  at: timeField.optional(),
  user_id: userIdField,
});

export const compareFactsQuery = z.object({
  subject: subjectField,
  time1: timeField,
  time2: timeField,
  user_id: userIdField,
});

export const userOnlyQuery = z.object({ user_id: userIdField });

export const decayFactsBody = z.object({ decay_rate: score01.optional().describe('default 0.01') });

export const volatileFactsQuery = z.object({
  subject: subjectField.optional(),
  limit: queryInt(1, 1000).optional(),
  user_id: userIdField,
});
