/**
 * The one place where errors become HTTP responses. Typed errors keep their stable code and
 * safe message; anything else is logged with the request id and answered as a bare 500.
 */
import { ERROR_CODES, OmError, type ErrorCode } from '../../errors.js';
import type { Logger } from '../../log.js';

/** An {@link OmError} whose wire code differs from its category (v1.2's auth and rate-limit codes). */
export class WireError extends OmError {
  constructor(
    code: ErrorCode,
    readonly wireCode: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code, message);
  }
}

export const authenticationRequired = () => new WireError('unauthorized', 'authentication_required', 'API key required');
export const invalidApiKey = () => new WireError('forbidden', 'invalid_api_key', 'API key is invalid or revoked');

export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
}

export function errorReply(err: unknown, requestId: string, log: Logger): ErrorReply {
  if (err instanceof OmError) {
    const status = ERROR_CODES[err.code];
    if (status >= 500) log.error('request failed', { request_id: requestId, code: err.code, error: err });
    const wire = err instanceof WireError ? { error: err.wireCode, ...err.extra } : { error: err.code };
    return { status, body: { ...wire, message: err.message } };
  }
  log.error('unexpected error', { request_id: requestId, error: err, stack: (err as Error)?.stack });
  return { status: 500, body: { error: 'internal', message: 'internal error', request_id: requestId } };
}
