/**
 * Database errors → typed errors. Messages never carry SQL, parameters or another user's data;
 * the original error stays on `cause` for logs.
 */
import { OmError, type ErrorCode } from '../errors.js';

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  conflict: 'a record with this id already exists',
  validation_error: 'a value does not fit the stored column',
  unavailable: 'the database is busy or unreachable; retry later',
  internal: 'storage error',
};

export function storageError(code: ErrorCode, cause: unknown): OmError {
  const err = new OmError(code, MESSAGES[code] ?? 'storage error');
  Object.defineProperty(err, 'cause', { value: cause, enumerable: false });
  return err;
}

/** Leaves typed errors (thrown by operations on purpose) as they are. */
export function isTyped(e: unknown): e is OmError {
  return e instanceof OmError;
}
