/** The per-user vector epoch (see ../vector-index.ts): read before a search, pinned around an insert. */
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { userKey, type UserScope } from '../scope.js';
import { raw, sql } from '../sql.js';

export function* readEpoch(d: Dialect, scope: UserScope): Op<number> {
  const { rows } = yield sql`SELECT epoch FROM ${raw(d.tables.vectorEpochs)} WHERE user_key = ${userKey(scope)}`;
  return rows[0] ? Number(rows[0].epoch) : 0;
}

/**
 * Runs `op` after locking the user's epoch row, and returns the epoch before and after it: with
 * the row locked no other writer's change can fall between the two, so `to - from` is `op`'s own.
 */
export function* withEpochs<T>(d: Dialect, scope: UserScope, op: Op<T>): Op<{ result: T; from: number; to: number }> {
  const { rows } = yield sql`INSERT INTO ${raw(d.tables.vectorEpochs)} AS e (user_key, epoch) VALUES (${userKey(scope)}, 0)
    ON CONFLICT (user_key) DO UPDATE SET epoch = e.epoch RETURNING epoch`;
  const from = Number(rows[0]!.epoch);
  const result = yield* op;
  return { result, from, to: yield* readEpoch(d, scope) };
}
