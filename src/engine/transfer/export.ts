/**
 * Memories as JSON lines, user by user (default user first, then by id): the user's summary row,
 * then its memories. A whole export (CLI) orders them by creation time then id, so two exports of
 * equal databases are byte-identical; the HTTP export pages through a user newest first.
 */
import type { MemoryRecord, Waypoint } from '../../core/types.js';
import { storedUserScope, type UserScope } from '../../store/scope.js';
import type { Store } from '../../store/store.js';
import type { ExportPage, ExportPageInput } from '../api.js';
import { toLine, toUserLine } from './line-format.js';

const PAGE = 500;

export interface ExportOptions {
  /** Users to export; all users when absent. */
  users?: Array<string | null>;
  withVectors: boolean;
  write: (line: string) => void | Promise<void>;
  onMemory?: () => void;
}

async function allOf(store: Store, scope: UserScope): Promise<MemoryRecord[]> {
  const out: MemoryRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listMemories(scope, { limit: PAGE, offset, order: 'created_desc' });
    out.push(...page);
    if (page.length < PAGE) break;
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const byUser = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;

/** The user's summary line, when the user has a summary. */
export async function userLineText(store: Store, scope: UserScope): Promise<string | null> {
  const row = await store.getUser(scope);
  const line = row && toUserLine(row);
  return line ? JSON.stringify(line) : null;
}

/** The lines of some memories of one user, with their vectors (optionally) and outgoing links. */
export async function memoryLines(
  store: Store,
  scope: UserScope,
  memories: MemoryRecord[],
  withVectors: boolean,
): Promise<string[]> {
  const ids = memories.map((m) => m.id);
  // Vectors are read either way: they name the memory's sectors.
  const [vectors, links] = await Promise.all([store.getVectors(scope, ids), store.outgoingWaypoints(scope, ids)]);
  const linksOf = new Map<string, Waypoint[]>();
  for (const l of links) linksOf.set(l.srcId, [...(linksOf.get(l.srcId) ?? []), l]);
  return memories.map((m) => JSON.stringify(toLine(m, vectors.get(m.id) ?? [], linksOf.get(m.id) ?? [], withVectors)));
}

/** One page of a user's export, newest first; the summary line leads the first page. */
export async function exportPage(store: Store, scope: UserScope, page: ExportPageInput): Promise<ExportPage> {
  const memories = await store.listMemories(scope, { limit: page.limit, offset: page.offset, order: 'created_desc' });
  const lines = await memoryLines(store, scope, memories, page.withVectors);
  const head = page.offset === 0 ? await userLineText(store, scope) : null;
  return { lines: head ? [head, ...lines] : lines, memories: memories.length };
}

/** Returns how many memories were written. */
export async function exportMemories(store: Store, options: ExportOptions): Promise<number> {
  const users = [...new Set(options.users ?? (await store.adminListUsers()))].sort(byUser);
  let count = 0;
  for (const user of users) {
    const scope = storedUserScope(user);
    const head = await userLineText(store, scope);
    if (head) await options.write(head);
    const memories = await allOf(store, scope);
    for (let i = 0; i < memories.length; i += PAGE) {
      for (const line of await memoryLines(store, scope, memories.slice(i, i + PAGE), options.withVectors)) {
        await options.write(line);
        options.onMemory?.();
        count++;
      }
    }
  }
  return count;
}
