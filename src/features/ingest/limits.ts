/** The error every ingestion limit raises: 413 naming the setting, so an operator knows which to raise. */
import type { IngestLimits } from '../../config.js';
import { OmError } from '../../errors.js';

export type { IngestLimits };

/** The environment variable of each limit, for messages and docs. */
export const LIMIT_SETTINGS = {
  maxBytes: 'OM_INGEST_MAX_BYTES',
  maxInflatedBytes: 'OM_INGEST_MAX_INFLATED_BYTES',
  maxDepth: 'OM_INGEST_MAX_DEPTH',
  maxPages: 'OM_INGEST_MAX_PAGES',
  maxTextChars: 'OM_INGEST_MAX_TEXT_CHARS',
  maxSections: 'OM_INGEST_MAX_SECTIONS',
  timeoutMs: 'OM_INGEST_TIMEOUT_MS',
  maxMemoryMb: 'OM_INGEST_MAX_MEMORY_MB',
  concurrency: 'OM_INGEST_CONCURRENCY',
  queue: 'OM_INGEST_QUEUE',
} as const satisfies Record<keyof IngestLimits, string>;

/** `what` says what was found ("the PDF has 1,200 pages"); the message adds the limit it passed. */
export function overLimit(limits: IngestLimits, limit: keyof IngestLimits, what: string): OmError {
  const setting = LIMIT_SETTINGS[limit];
  return new OmError('document_too_large', `${what}, over ${setting}=${limits[limit]}`, { limit: setting });
}
