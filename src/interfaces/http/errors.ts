/**
 * The one place where errors become HTTP responses. Typed errors keep their stable code, status
 * (src/errors.ts) and safe message; anything else is logged with the request id and answered as a bare 500.
 */
import { ERRORS, OmError } from '../../errors.js';
import type { Logger } from '../../log.js';

export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
}

export function errorReply(err: unknown, requestId: string, log: Logger): ErrorReply {
  if (err instanceof OmError) {
    const status = ERRORS[err.code].status;
    if (status >= 500) log.error('request failed', { request_id: requestId, code: err.code, error: err });
    // The one detail clients act on; other details (e.g. which part failed validation) stay internal.
    const retryAfter = err.details?.retry_after;
    const extra = retryAfter !== undefined ? { retry_after: retryAfter } : {};
    return { status, body: { error: err.code, message: err.message, ...extra } };
  }
  log.error('unexpected error', { request_id: requestId, error: err, stack: (err as Error)?.stack });
  return { status: 500, body: { error: 'internal', message: 'internal error', request_id: requestId } };
}
