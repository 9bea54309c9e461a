/**
 * What queries teach, written for many recalls of many users at once (the hottest write): one
 * statement each for the epochs, the salience updates, the links and the journal entries, however
 * many recalls. Each user's recalls take effect as if written one after another.
 */
import { recalledWeight } from '../../core/decay.js';
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { storedUserKey, userKey, type UserScope } from '../scope.js';
import { chunks, list, raw, sql } from '../sql.js';
import { linkKey, type LinkKey, type RecallWrite, type SalienceUpdate } from '../store.js';
import { journaledUsers, type Journaled } from './journal.js';
import { idChunk, updateSaliences, usableIds } from './memories.js';
import { ownersOf, upsertLinks, type Link } from './waypoints.js';

/** What a user's recalls wrote: the salience updates applied (memories still the user's) and the links set. */
export interface RecallWritten {
  salience: SalienceUpdate[];
  links: Link[];
}

/** A link a recall sets, with what the recall says of it (see {@link recalledWeight}). */
interface RecalledLink extends LinkKey {
  onPath: boolean;
  gap: number | undefined;
}

/** The recall's links, each once: its path, then its co-activated pairs. */
function recalledLinks(r: RecallWrite): RecalledLink[] {
  const out = new Map<string, RecalledLink>();
  for (const l of r.path) out.set(linkKey(l), { srcId: l.srcId, dstId: l.dstId, onPath: true, gap: undefined });
  for (const l of r.coactivated) {
    const known = out.get(linkKey(l));
    if (known) known.gap = l.gap;
    else out.set(linkKey(l), { srcId: l.srcId, dstId: l.dstId, onPath: false, gap: l.gap });
  }
  return [...out.values()];
}

/**
 * The user's data as the writer's in-process model holds it. While the user's epoch is still the
 * model's, nothing else has written since: weights and owners can be taken from it instead of
 * being read again (writers of a user queue on the epoch row, so it stays so until the commit).
 */
export interface KnownState {
  readonly epoch: number;
  has(id: string): boolean;
  weight(srcId: string, dstId: string): number | undefined;
}

interface UserRecalls {
  scope: UserScope;
  recalls: Array<{ write: RecallWrite; links: RecalledLink[] }>;
  known?: KnownState;
}

/**
 * Current weights of the links leaving the listed sources, by user key: a user gets only its own
 * links, from sources it listed (one read for all users).
 */
function* storedWeights(d: Dialect, users: readonly UserRecalls[]): Op<Map<string, Map<string, number>>> {
  const listedBy = new Map<string, Set<string>>();
  for (const u of users) {
    for (const r of u.recalls)
      for (const l of r.links)
        (listedBy.get(l.srcId) ?? listedBy.set(l.srcId, new Set()).get(l.srcId)!).add(userKey(u.scope));
  }
  const weights = new Map(users.map((u) => [userKey(u.scope), new Map<string, number>()]));
  for (const part of chunks(usableIds(d, [...listedBy.keys()]), idChunk(d))) {
    const { rows } =
      yield sql`SELECT src_id, dst_id, weight, user_id FROM ${raw(d.tables.waypoints)} WHERE src_id IN ${list(part)}`;
    for (const r of rows) {
      const owner = storedUserKey(r.user_id);
      if (listedBy.get(String(r.src_id))?.has(owner))
        weights.get(owner)!.set(linkKey({ srcId: String(r.src_id), dstId: String(r.dst_id) }), Number(r.weight));
    }
  }
  return weights;
}

/**
 * Several users' recalls in one transaction, each user's journaled once. `known(scope)` is the
 * writer's model of the user, used when still current (see {@link KnownState}).
 */
export function* recordRecalls(
  d: Dialect,
  items: ReadonlyArray<{ scope: UserScope; recall: RecallWrite }>,
  now: number,
  known: (scope: UserScope) => KnownState | undefined,
): Op<Array<Journaled<RecallWritten> & { scope: UserScope }>> {
  const byUser = new Map<string, UserRecalls>();
  for (const { scope, recall } of items) {
    const user = byUser.get(userKey(scope));
    const entry = { write: recall, links: recalledLinks(recall) };
    if (user) user.recalls.push(entry);
    else byUser.set(userKey(scope), { scope, recalls: [entry] });
  }
  const users = [...byUser.values()];
  const done = yield* journaledUsers(
    d,
    users.map((u) => u.scope),
    function* (from) {
      for (const u of users) {
        const state = known(u.scope);
        if (state?.epoch === from.get(userKey(u.scope))) u.known = state;
      }
      // Salience: a user's later update of an id wins.
      const applied = yield* updateSaliences(
        d,
        users.flatMap((u) => u.recalls.flatMap((r) => r.write.salience.map((update) => ({ scope: u.scope, update })))),
      );
      // Links: each recall weighs its links on the weights so far, starting from the stored ones.
      const unknown = users.filter((u) => !u.known);
      const stored = unknown.length > 0 ? yield* storedWeights(d, unknown) : new Map<string, Map<string, number>>();
      const weighed = new Map<string, Map<string, Link>>();
      for (const u of users) {
        const storedOfUser = stored.get(userKey(u.scope));
        const current = new Map<string, number | undefined>();
        const out = new Map<string, Link>();
        for (const r of u.recalls) {
          for (const l of r.links) {
            const key = linkKey(l);
            const before = current.has(key)
              ? current.get(key)
              : u.known
                ? u.known.weight(l.srcId, l.dstId)
                : storedOfUser?.get(key);
            const weight = recalledWeight(before, l.onPath, l.gap);
            if (weight === undefined) continue;
            current.set(key, weight);
            out.set(key, { srcId: l.srcId, dstId: l.dstId, weight });
          }
        }
        weighed.set(userKey(u.scope), out);
      }
      // A link is written only between two memories of its user.
      const ends = unknown.flatMap((u) =>
        [...weighed.get(userKey(u.scope))!.values()].flatMap((l) => [l.srcId, l.dstId]),
      );
      const owners = ends.length > 0 ? yield* ownersOf(d, ends) : new Map<string, string>();
      const links = users.flatMap((u) => {
        const owns = (id: string) => (u.known ? u.known.has(id) : owners.get(id) === userKey(u.scope));
        return [...weighed.get(userKey(u.scope))!.values()]
          .filter((l) => owns(l.srcId) && owns(l.dstId))
          .map((link) => ({ scope: u.scope, link }));
      });
      yield* upsertLinks(d, links, now);
      const written = new Map(
        users.map((u): [string, RecallWritten] => [userKey(u.scope), { salience: [], links: [] }]),
      );
      for (const a of applied) written.get(userKey(a.scope))!.salience.push(a.update);
      for (const l of links) written.get(userKey(l.scope))!.links.push(l.link);
      return new Map(
        [...written].map(([key, result]) => [
          key,
          { result, change: { rows: result.salience.map((s) => s.id), links: result.links.map((l) => l.srcId) } },
        ]),
      );
    },
  );
  return users.map((u) => ({ scope: u.scope, ...done.get(userKey(u.scope))! }));
}
