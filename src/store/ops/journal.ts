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
import { chunks, join, list, raw, sql } from '../sql.js';

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

const unique = (ids: readonly string[] | undefined): string[] | undefined =>
  ids && ids.length > 0 ? [...new Set(ids)] : undefined;

function encodeChange(c: Change): string {
  if (c.all) return '{"all":true}';
  return JSON.stringify({ m: unique(c.rows), v: unique(c.vectors), w: unique(c.links) });
}

const idList = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;

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

/** A write's outcome for one user: what the caller gets, and what the journal records. */
export interface UserWrite<T> {
  result: T;
  change: Change;
}

/**
 * Writes of several users in one transaction, each journaled once. The users' epochs are bumped
 * first, in one statement and in key order (on PostgreSQL this locks their rows: writers of one
 * user queue there, so `to - from` is exactly this write); `op` runs told each user's `from` (the
 * user's data is as of that epoch until the op changes it) and answers each user's outcome; the
 * entries are recorded in one statement.
 */
export function* journaledUsers<T>(
  d: Dialect,
  scopes: readonly UserScope[],
  op: (from: ReadonlyMap<string, number>) => Op<ReadonlyMap<string, UserWrite<T>>>,
): Op<Map<string, Journaled<T>>> {
  const keys = [...new Set(scopes.map(userKey))].sort();
  const to = new Map<string, number>();
  for (const part of chunks(keys, Math.floor(d.capabilities.maxParams / 2))) {
    const { rows } = yield sql`INSERT INTO ${raw(d.tables.userEpochs)} AS e (user_key, epoch) VALUES ${join(
      part.map((k) => list([k, 1])),
      ', ',
    )}
      ON CONFLICT (user_key) DO UPDATE SET epoch = e.epoch + 1 RETURNING user_key, epoch`;
    for (const r of rows) to.set(String(r.user_key), Number(r.epoch));
  }
  const from = new Map(keys.map((k) => [k, to.get(k)! - 1]));
  const outcomes = yield* op(from);
  const done = new Map<string, Journaled<T>>();
  for (const k of keys) {
    const { result, change } = outcomes.get(k)!;
    done.set(k, { result, from: from.get(k)!, to: to.get(k)!, change });
  }
  const entries = keys.map((k) => list([k, to.get(k)!, encodeChange(done.get(k)!.change)]));
  for (const part of chunks(entries, Math.floor(d.capabilities.maxParams / 3))) {
    yield sql`INSERT INTO ${raw(d.tables.userJournal)} (user_key, epoch, changes) VALUES ${join(part, ', ')}`;
  }
  for (const k of keys) {
    if (to.get(k)! % TRIM_EVERY === 0)
      yield sql`DELETE FROM ${raw(d.tables.userJournal)} WHERE user_key = ${k} AND epoch <= ${to.get(k)! - JOURNAL_WINDOW}`;
  }
  return done;
}

/** One user's write, journaled (see {@link journaledUsers}). */
export function* journaled<T>(
  d: Dialect,
  scope: UserScope,
  op: (from: number) => Op<T>,
  changed: (result: T) => Change,
): Op<Journaled<T>> {
  const key = userKey(scope);
  const done = yield* journaledUsers(d, [scope], function* (from) {
    const result = yield* op(from.get(key)!);
    return new Map([[key, { result, change: changed(result) }]]);
  });
  return done.get(key)!;
}

/** Each group's `op` run in turn, journaled under its user (a user's groups under one entry). */
export function* journaledPerUser<G extends { scope: UserScope }, T>(
  d: Dialect,
  groups: readonly G[],
  op: (group: G, from: number) => Op<T[]>,
  changed: (result: T[]) => Change,
): Op<Array<Journaled<T[]> & { scope: UserScope }>> {
  const done = yield* journaledUsers(
    d,
    groups.map((g) => g.scope),
    function* (from) {
      const results = new Map<string, T[]>();
      for (const g of groups) {
        const key = userKey(g.scope);
        const result = yield* op(g, from.get(key)!);
        const earlier = results.get(key);
        if (earlier) earlier.push(...result);
        else results.set(key, result);
      }
      return new Map([...results].map(([key, result]) => [key, { result, change: changed(result) }]));
    },
  );
  const scopes = new Map(groups.map((g) => [userKey(g.scope), g.scope]));
  return [...done].map(([key, j]) => ({ scope: scopes.get(key)!, ...j }));
}
