/**
 * The per-user change journal that keeps every process's in-process user models (../cache)
 * coherent. Each write transaction of a user's memories, vectors or links bumps the user's epoch
 * by exactly one and records under the new epoch which memories it changed: their rows, their
 * vectors, their outgoing links, or everything. A process holding a model at epoch e reads the
 * entries after e and reloads just those memories; a gap (entries trimmed away) or `all` means
 * loading the user afresh. Writes to other tables (summaries, keys, logs) are not journaled.
 */
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { userKey, type UserScope } from '../scope.js';
import { raw, sql } from '../sql.js';

/** Memory ids a write changed, by what of them changed. */
export interface Change {
  rows?: readonly string[];
  vectors?: readonly string[];
  /** Memories whose outgoing links changed. */
  links?: readonly string[];
  /** Everything of the user may have changed. */
  all?: boolean;
}

export interface Journaled<T> {
  result: T;
  /** The user's epoch before the write; the write's entry is `to = from + 1`. */
  from: number;
  to: number;
  change: Change;
}

export interface JournalEntry {
  epoch: number;
  change: Change;
}

/** Entries kept per user; a model further behind than this loads afresh. */
export const JOURNAL_WINDOW = 1024;
/** Trimming runs on every this many epochs (one DELETE then covers them all). */
const TRIM_EVERY = 64;

const unique = (ids: readonly string[] | undefined): string[] | undefined => (ids && ids.length > 0 ? [...new Set(ids)] : undefined);

function encodeChange(c: Change): string {
  if (c.all) return '{"all":true}';
  return JSON.stringify({ m: unique(c.rows), v: unique(c.vectors), w: unique(c.links) });
}

const idList = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined);

/** An entry that cannot be read means anything may have changed. */
export function decodeChange(text: unknown): Change {
  try {
    const o = JSON.parse(String(text)) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || o.all === true) return { all: true };
    const bad = ['m', 'v', 'w'].some((k) => o[k] !== undefined && idList(o[k]) === undefined);
    return bad ? { all: true } : { rows: idList(o.m) ?? [], vectors: idList(o.v) ?? [], links: idList(o.w) ?? [] };
  } catch {
    return { all: true };
  }
}

export function* readEpoch(d: Dialect, scope: UserScope): Op<number> {
  const { rows } = yield sql`SELECT epoch FROM ${raw(d.tables.userEpochs)} WHERE user_key = ${userKey(scope)}`;
  return rows[0] ? Number(rows[0].epoch) : 0;
}

/** The user's entries after `after`, oldest first. */
export function* readJournal(d: Dialect, scope: UserScope, after: number): Op<JournalEntry[]> {
  const { rows } = yield sql`SELECT epoch, changes FROM ${raw(d.tables.userJournal)}
    WHERE user_key = ${userKey(scope)} AND epoch > ${after} ORDER BY epoch`;
  return rows.map((r) => ({ epoch: Number(r.epoch), change: decodeChange(r.changes) }));
}

/**
 * Bumps the user's epoch first (on PostgreSQL this locks the row: writers of one user queue
 * here, so `to - from` is exactly this write), runs `op` (told `from`: the user's data is as of
 * that epoch until the op changes it), then records what `changed(result)`.
 */
export function* journaled<T>(d: Dialect, scope: UserScope, op: (from: number) => Op<T>, changed: (result: T) => Change): Op<Journaled<T>> {
  const key = userKey(scope);
  const { rows } = yield sql`INSERT INTO ${raw(d.tables.userEpochs)} AS e (user_key, epoch) VALUES (${key}, 1)
    ON CONFLICT (user_key) DO UPDATE SET epoch = e.epoch + 1 RETURNING epoch`;
  const to = Number(rows[0]!.epoch);
  const result = yield* op(to - 1);
  const change = changed(result);
  yield sql`INSERT INTO ${raw(d.tables.userJournal)} (user_key, epoch, changes) VALUES (${key}, ${to}, ${encodeChange(change)})`;
  if (to % TRIM_EVERY === 0) yield sql`DELETE FROM ${raw(d.tables.userJournal)} WHERE user_key = ${key} AND epoch <= ${to - JOURNAL_WINDOW}`;
  return { result, from: to - 1, to, change };
}

/**
 * Each group's `op` journaled under its own user, in one transaction: users in key order (stable
 * within a user), so concurrent writers lock epoch rows in one order on PostgreSQL.
 */
export function* journaledPerUser<G extends { scope: UserScope }, T>(
  d: Dialect,
  groups: readonly G[],
  op: (group: G, from: number) => Op<T>,
  changed: (result: T) => Change,
): Op<Array<Journaled<T> & { scope: UserScope }>> {
  const ordered = [...groups].sort((a, b) => (userKey(a.scope) < userKey(b.scope) ? -1 : userKey(a.scope) > userKey(b.scope) ? 1 : 0));
  const done: Array<Journaled<T> & { scope: UserScope }> = [];
  for (const g of ordered) done.push({ scope: g.scope, ...(yield* journaled(d, g.scope, (from) => op(g, from), changed)) });
  return done;
}
