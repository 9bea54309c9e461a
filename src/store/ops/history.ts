/**
 * Memory history: one row per change of a memory by hand (add, update, reinforcement, supersede,
 * delete), written by the same transaction as the change. Rows outlive their memory, so the
 * owner can still read what a deleted memory was; they go only with the user (users.ts).
 */
import { isPlainObject, parseJson } from '../codec.js';
import type { Dialect } from '../dialect.js';
import type { Op, Row } from '../driver.js';
import { actorOf, type UserScope } from '../scope.js';
import { chunks, inScope, join, list, raw, sql, type Stmt } from '../sql.js';
import type { HistoryEntry, HistoryEvent } from '../store.js';

const COLUMNS = raw('memory_id, user_id, event, content, previous_content, detail, actor, created_at');
const WIDTH = 8;

/** One change of a memory, as the caller knows it (the actor is the scope's unless given). */
export type HistoryNote = Omit<HistoryEntry, 'actor'> & { actor?: string };

const detailText = (detail: HistoryEntry['detail']) => (detail === null ? null : JSON.stringify(detail));

/** Records changes whose contents the caller has in hand (new memories). */
export function* writeHistory(d: Dialect, scope: UserScope, notes: readonly HistoryNote[]): Op<void> {
  const rows = notes.map((n) => {
    const actor = n.actor ?? actorOf(scope);
    return list([n.memoryId, scope.userId, n.event, n.content, n.previousContent, detailText(n.detail), actor, n.at]);
  });
  for (const part of chunks(rows, Math.floor(d.capabilities.maxParams / WIDTH))) {
    yield sql`INSERT INTO ${raw(d.tables.memoryHistory)} (${COLUMNS}) VALUES ${join(part, ', ')}`;
  }
}

/** A change of a stored memory; `content` is SQL (see {@link unchangedContent}, {@link newContent}). */
export interface StoredChange {
  event: HistoryEvent;
  content: Stmt;
  detail: HistoryEntry['detail'];
  at: number;
  /** Default: the scope's. */
  actor?: string | undefined;
}

/**
 * Records a change of a stored memory with the content it has before the change, read by the
 * change's own transaction; run it before the statement that changes the row. `content` is
 * the content after (SQL: `content` when unchanged, NULL when deleted). Nothing when the memory
 * is not the scope's.
 */
export function* noteStoredChange(d: Dialect, scope: UserScope, id: string, change: StoredChange): Op<void> {
  const actor = change.actor ?? actorOf(scope);
  // Casts: a SELECT list gives parameters no column type on PostgreSQL.
  yield sql`INSERT INTO ${raw(d.tables.memoryHistory)} (${COLUMNS})
    SELECT CAST(${id} AS TEXT), user_id, CAST(${change.event} AS TEXT), ${change.content}, content,
      CAST(${detailText(change.detail)} AS TEXT), CAST(${actor} AS TEXT), CAST(${change.at} AS BIGINT)
    FROM ${raw(d.tables.memories)} WHERE id = ${id} AND ${inScope(scope)}`;
}

/** The content column unchanged, or a new value. */
export const unchangedContent = sql`content`;
export const newContent = (text: string | null): Stmt => sql`CAST(${text} AS TEXT)`;

function decodeEntry(r: Row): HistoryEntry {
  return {
    memoryId: String(r.memory_id),
    event: String(r.event) as HistoryEvent,
    content: r.content === null ? null : String(r.content),
    previousContent: r.previous_content === null ? null : String(r.previous_content),
    detail: parseJson<Record<string, unknown> | null>(r.detail, isPlainObject, null),
    actor: String(r.actor),
    at: Number(r.created_at),
  };
}

/** The memory's history in the scope, oldest first. */
export function* readHistory(d: Dialect, scope: UserScope, memoryId: string): Op<HistoryEntry[]> {
  const { rows } = yield sql`SELECT ${COLUMNS} FROM ${raw(d.tables.memoryHistory)}
    WHERE memory_id = ${memoryId} AND ${inScope(scope)} ORDER BY id`;
  return rows.map(decodeEntry);
}
