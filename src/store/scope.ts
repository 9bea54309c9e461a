/**
 * The user scope every store method that touches user data requires.
 *
 * The default user (requests that name no user; rows written before multi-user)
 * is stored as `user_id IS NULL` in memories, vectors and waypoints, exactly as
 * the v1.2 migration document says. It is a scope like any other, never "all users".
 * Only methods whose names start with `admin` may span users.
 */
import { OmError } from '../errors.js';

declare const scopeBrand: unique symbol;

export interface UserScope {
  /** `null` is the default user. */
  readonly userId: string | null;
  /**
   * Who acts in the scope, as memory history records it: an API key id, `admin` (the OM_API_KEY
   * key) or `local` (no key: CLI, in-process SDK, a keyless loopback server; the default).
   * It never widens or narrows what the scope reaches.
   */
  readonly actor?: string;
  readonly [scopeBrand]: true;
}

/** Key of the default user's row in the `users` table (a primary key cannot be NULL on PostgreSQL). */
export const DEFAULT_USER_KEY = '';

export const MAX_USER_ID_LENGTH = 256;

/**
 * Builds a scope; `undefined`, `null` and the empty string mean the default user. An id no
 * backend can store the same way (too long, or holding U+0000, which PostgreSQL text refuses)
 * is a validation error here rather than a storage error later.
 */
export function userScope(userId?: string | null): UserScope {
  const scope = storedUserScope(userId);
  const id = scope.userId;
  if (id !== null && (id.length > MAX_USER_ID_LENGTH || id.includes('\u0000'))) {
    throw new OmError(
      'validation_error',
      `user_id must be at most ${MAX_USER_ID_LENGTH} characters without NUL (U+0000)`,
    );
  }
  return scope;
}

/**
 * The scope of a user id read back from the database. Upgraded upstream databases hold ids no
 * request may send (fixtures/pre-1.2: a 566-character id written by a broken ingest); their
 * owner's rows are kept, so jobs, re-embedding and admin listings must still reach them.
 */
export function storedUserScope(userId?: string | null): UserScope {
  return Object.freeze({
    userId: userId === undefined || userId === null || userId === '' ? null : userId,
  }) as UserScope;
}

/** The actor of a scope that names none. */
export const LOCAL_ACTOR = 'local';

/** The same user's scope, acting as `actor`. */
export function actingAs(scope: UserScope, actor: string): UserScope {
  return Object.freeze({ ...scope, actor }) as UserScope;
}

export const actorOf = (scope: UserScope): string => scope.actor ?? LOCAL_ACTOR;

export const DEFAULT_SCOPE: UserScope = userScope(null);

export function isDefaultUser(scope: UserScope): boolean {
  return scope.userId === null;
}

/** The `users.user_id` key for a scope. */
export function userKey(scope: UserScope): string {
  return scope.userId ?? DEFAULT_USER_KEY;
}

/** The `users.user_id` key of a `user_id` column value read back (NULL and '' are the default user). */
export function storedUserKey(value: unknown): string {
  return value === null || value === undefined || value === '' ? DEFAULT_USER_KEY : String(value);
}

/** Inverse of {@link userKey}. */
export function scopeFromUserKey(key: string): UserScope {
  return storedUserScope(key === DEFAULT_USER_KEY ? null : key);
}
