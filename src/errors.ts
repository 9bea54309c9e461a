/**
 * Typed errors with stable codes. Interfaces map them to transport status in one place
 * (HTTP: src/interfaces/http/errors.ts). Messages are safe to show to the caller:
 * never SQL, stack traces or another user's data.
 */
export const ERROR_CODES = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  /** The user holds OM_MAX_MEMORIES_PER_USER memories. */
  quota_exceeded: 413,
  /** A document past one of the ingestion limits (OM_INGEST_*), which the message names. */
  document_too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  upstream_unavailable: 502,
  unavailable: 503,
  /** Every document parser is busy and the queue is full. */
  ingest_busy: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class OmError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'OmError';
  }
}

export const validationError = (message: string, details?: Record<string, unknown>) =>
  new OmError('validation_error', message, details);
export const notFound = (what = 'memory') => new OmError('not_found', `${what} not found`);
export const forbidden = (message: string) => new OmError('forbidden', message);

/** Configuration problems stop start-up; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
