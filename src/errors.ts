/**
 * Typed errors with stable codes: the one catalogue every interface speaks. HTTP answers
 * `{"error": code, "message"}` with the status below (src/interfaces/http/errors.ts), MCP tool
 * errors carry the same code, the remote SDK client rethrows the server's code and the CLI prints
 * `code: message`. Codes and statuses are v1.2's where it had them. Messages are safe to show to
 * the caller: never SQL, stack traces or another user's data.
 */
export const ERRORS = {
  validation_error: { status: 400, meaning: 'a malformed body, query or path; the message names the field' },
  authentication_required: { status: 401, meaning: 'an API key is required and none was sent' },
  forbidden: { status: 403, meaning: 'the key may not do this (another user, or an admin route)' },
  admin_only: { status: 403, meaning: 'a temporal-fact route only the admin key may call (upstream v1.3 code)' },
  invalid_api_key: { status: 403, meaning: 'the API key sent is unknown or revoked' },
  cross_origin_forbidden: { status: 403, meaning: 'pages of other origins may not call this server (OM_CORS_ORIGINS)' },
  host_not_allowed: { status: 403, meaning: 'the keyless server does not answer this Host name (OM_ALLOWED_HOSTS)' },
  not_found: { status: 404, meaning: "no such memory, user, key or route (another user's ids included)" },
  fact_not_found: { status: 404, meaning: 'no such temporal fact of the user (upstream v1.3 code)' },
  method_not_allowed: { status: 405, meaning: 'the path exists for other methods, listed in the Allow header' },
  conflict: { status: 409, meaning: 'a record with this id already exists' },
  payload_too_large: { status: 413, meaning: 'the request body or fetched document is over its limit' },
  quota_exceeded: { status: 413, meaning: 'the user would hold more than OM_MAX_MEMORIES_PER_USER memories' },
  document_too_large: {
    status: 413,
    meaning: 'a document past one of the ingestion limits (OM_INGEST_*), which the message names',
  },
  unsupported_media: { status: 415, meaning: 'writes must be JSON; or the document type is not supported' },
  rate_limit_exceeded: { status: 429, meaning: 'too many requests from this key or address; retry in `retry_after` s' },
  internal: { status: 500, meaning: 'an unexpected error; the server log has it under the request id' },
  upstream_unavailable: { status: 502, meaning: 'the embedding provider failed or answered malformed vectors' },
  unavailable: { status: 503, meaning: 'busy, stopping, unreachable, or the database needs a migration' },
  ingest_busy: { status: 503, meaning: 'every document parser is busy and the queue is full; retry later' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERRORS, code);

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
export const authenticationRequired = () => new OmError('authentication_required', 'API key required');
export const invalidApiKey = () => new OmError('invalid_api_key', 'API key is invalid or revoked');

/** Configuration problems stop start-up; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
