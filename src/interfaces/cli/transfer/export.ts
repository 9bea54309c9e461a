/**
 * Streams memories out as JSON lines, user by user (default user first, then by id): the user's
 * summary row, then its memories by creation time then id, so two exports of equal databases are
 * byte-identical.
 */
import type { Memory as Engine } from '../../../engine/memory.js';
import type { MemoryRecord, Waypoint } from '../../../core/types.js';
import { storedUserScope, type UserScope } from '../../../store/scope.js';
import { toLine, toUserLine } from './line-format.js';

const PAGE = 500;

export interface ExportOptions {
  /** Users to export; all users when absent. */
  users?: Array<string | null>;
  withVectors: boolean;
  write: (line: string) => void | Promise<void>;
  onMemory?: () => void;
}

async function allOf(engine: Engine, scope: UserScope): Promise<MemoryRecord[]> {
  const out: MemoryRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await engine.store.listMemories(scope, { limit: PAGE, offset, order: 'created_desc' });
    out.push(...page);
    if (page.length < PAGE) break;
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const byUser = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/** Returns how many memories were written. */
export async function exportMemories(engine: Engine, options: ExportOptions): Promise<number> {
  const users = [...new Set(options.users ?? (await engine.adminListUsers()))].sort(byUser);
  let count = 0;
  for (const user of users) {
    const scope = storedUserScope(user);
    const row = await engine.store.getUser(scope);
    const userLine = row && toUserLine(row);
    if (userLine) await options.write(JSON.stringify(userLine));
    const memories = await allOf(engine, scope);
    for (let i = 0; i < memories.length; i += PAGE) {
      const page = memories.slice(i, i + PAGE);
      const ids = page.map((m) => m.id);
      const [vectors, links] = await Promise.all([engine.store.getVectors(scope, ids), engine.store.outgoingWaypoints(scope, ids)]);
      const linksOf = new Map<string, Waypoint[]>();
      for (const l of links) linksOf.set(l.srcId, [...(linksOf.get(l.srcId) ?? []), l]);
      for (const m of page) {
        const line = toLine(m, vectors.get(m.id) ?? [], linksOf.get(m.id) ?? [], options.withVectors);
        await options.write(JSON.stringify(line));
        options.onMemory?.();
        count++;
      }
    }
  }
  return count;
}
