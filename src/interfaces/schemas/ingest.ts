/** Request shapes of /memory/ingest and /memory/ingest/url. */
import { z } from 'zod';
import { metadataField, userIdField } from './common.js';

export const CONTENT_TYPES = ['txt', 'text', 'md', 'markdown', 'html', 'htm', 'pdf', 'docx'] as const;

export const ingestConfig = z.object({
  force_root: z.boolean().optional(),
  sec_sz: z.number().int().min(200).max(100_000).optional(),
  lg_thresh: z.number().int().min(1).max(10_000_000).optional(),
});

export const MAX_DOCUMENT_CHARS = 20_000_000;

export const ingestBody = z.object({
  content_type: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(CONTENT_TYPES)),
  /** Plain text for txt/md/html; base64 for pdf/docx. */
  data: z.string().min(1).max(MAX_DOCUMENT_CHARS),
  metadata: metadataField.optional(),
  config: ingestConfig.optional(),
  user_id: userIdField,
});

export const ingestUrlBody = z.object({
  url: z.string().url().max(4096),
  metadata: metadataField.optional(),
  config: ingestConfig.optional(),
  user_id: userIdField,
});
