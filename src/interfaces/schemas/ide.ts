/** Request shapes of /api/ide/*. */
import { z } from 'zod';
import { metadataField, nonBlankText, userIdField } from './common.js';

const sessionId = z.string().min(1).max(200);

export const ideEventBody = z.object({
  event_type: z.string().trim().min(1).max(100),
  file_path: z.string().max(4096).optional(),
  content: z.string().max(200_000).optional(),
  session_id: sessionId.optional(),
  metadata: metadataField.optional(),
  user_id: userIdField,
});

export const ideContextBody = z.object({
  query: nonBlankText(10_000),
  k: z.number().int().min(1).max(100).optional(),
  limit: z.number().int().min(1).max(100).optional(),
  session_id: sessionId.optional(),
  file_path: z.string().max(4096).optional(),
  user_id: userIdField,
});

export const ideSessionStartBody = z.object({
  user_id: userIdField,
  project_name: z.string().max(200).optional(),
  ide_name: z.string().max(200).optional(),
});

export const ideSessionEndBody = z.object({ session_id: sessionId, user_id: userIdField });

export const idePatternsParams = z.object({ session_id: sessionId });
