/** Memory operations, shared by both backends (see ../driver.ts for how they run). */
import type { MemoryRecord } from '../../core/types.js';
import { OmError } from '../../errors.js';
import { encodeVector } from '../codec.js';
import type { Dialect } from '../dialect.js';
import type { Op } from '../driver.js';
import { isLowerUuid } from '../ids.js';
import { decodeMemory, MEMORY_COLUMNS, memoryValues } from '../rows.js';
import { storedUserKey, userKey, type UserScope } from '../scope.js';
import { chunks, count, inScope, inScopeById, join, list, raw, sql, type Stmt } from '../sql.js';
import type {
  GetOptions,
  InsertOptions,
  ListOptions,
  MemoryMerge,
  MemoryPatch,
  NewMemory,
  Reinforcement,
  SalienceUpdate,
} from '../store.js';
import { newContent, noteStoredChange, unchangedContent, writeHistory } from './history.js';
import { insertVectors } from './vectors.js';
import { writeEmbedLogs } from './admin.js';
import { outgoingWaypoints, writeLinks, type Link } from './waypoints.js';

const COLS = raw(MEMORY_COLUMNS.join(', '));
/** The columns without the mean vector (a kilobyte per row at 256 dimensions) for readers that do not use it. */
const COLS_WITHOUT_MEAN = raw(MEMORY_COLUMNS.map((c) => (c === 'mean_vec' ? 'NULL AS mean_vec' : c)).join(', '));

const ORDER: Record<NonNullable<ListOptions['order']>, string> = {
  created_desc: 'created_at DESC, id',
  updated_desc: 'updated_at DESC, id',
  salience_desc: 'salience DESC, id',
  last_seen_desc: 'last_seen_at DESC, id',
};

/** Ids the backend can hold; others can only be missing. */
export function usableIds(d: Dialect, ids: readonly string[]): string[] {
  return [...new Set(ids)].filter((id) => d.isMemoryId(id));
}

/** Chunk size for `IN (...)` lists, leaving room for the other bound values of a statement. */
export function idChunk(d: Dialect): number {
  return Math.max(1, d.capabilities.maxParams - 16);
}

/** Returns the links written (those between two of the user's memories). */
export function* insertMemories(
  d: Dialect,
  scope: UserScope,
  items: readonly NewMemory[],
  options: InsertOptions = {},
): Op<Link[]> {
  const { embedLog, merges = [], at = Date.now() } = options;
  const seen = new Set<string>();
  for (const { memory } of items) {
    if (!isLowerUuid(memory.id)) throw new OmError('validation_error', 'memory id must be a lower-case UUID');
    if (seen.has(memory.id)) throw new OmError('conflict', 'a memory with this id already exists');
    seen.add(memory.id);
  }
  // Multi-row statements: one round trip per chunk instead of one per memory (PostgreSQL).
  const rows = items.map(({ memory }) => list(memoryValues(memory, scope.userId)));
  for (const part of chunks(rows, Math.floor(d.capabilities.maxParams / MEMORY_COLUMNS.length))) {
    yield sql`INSERT INTO ${raw(d.tables.memories)} (${COLS}) VALUES ${join(part, ', ')}`;
  }
  yield* insertVectors(
    d,
    scope,
    items.map(({ memory, vectors }) => ({ id: memory.id, vectors })),
  );
  // After every memory of the batch exists, so links between new memories resolve.
  const now = Date.now();
  const links = items.flatMap(({ memory, waypoints, incoming }) => [
    ...waypoints.map((w) => ({ srcId: memory.id, dstId: w.dstId, weight: w.weight })),
    ...(incoming ?? []).map((w) => ({ srcId: w.srcId, dstId: memory.id, weight: w.weight })),
  ]);
  const written = yield* writeLinks(d, scope, links, now);
  // A stored memory that links to a new one: what is known of its links must be all of them.
  const fresh = new Set(items.map(({ memory }) => memory.id));
  const older = [...new Set(written.filter((l) => !fresh.has(l.srcId)).map((l) => l.srcId))];
  const known =
    older.length === 0
      ? written
      : [...written.filter((l) => fresh.has(l.srcId)), ...(yield* outgoingWaypoints(d, scope, older))];
  if (embedLog)
    yield* writeEmbedLogs(
      d,
      items.map(({ memory }) => ({ id: memory.id, ...embedLog, status: 'completed' as const, err: null })),
    );
  yield* writeHistory(
    d,
    scope,
    items.flatMap(({ memory: m, actor, repeats = [] }) => [
      { memoryId: m.id, event: 'add' as const, content: m.content, ...FIRST, at, actor },
      ...repeats.map((r) => ({
        memoryId: m.id,
        event: 'supersede' as const,
        content: m.content,
        previousContent: m.content,
        detail: { repeated_by: r.content },
        at,
        actor: r.actor,
      })),
    ]),
  );
  yield* mergeRepeats(d, scope, merges, at);
  return known;
}

/** The existing memories an add repeated: reinforced, with the repeat's tags, each noted as superseded by it. */
function* mergeRepeats(d: Dialect, scope: UserScope, merges: readonly MemoryMerge[], at: number): Op<void> {
  for (const m of merges) {
    const detail = { repeated_by: m.repeatedBy, salience: m.salience, ...(m.tags ? { tags: m.tags } : {}) };
    const change = { event: 'supersede', content: unchangedContent, detail, at, actor: m.actor } as const;
    yield* noteStoredChange(d, scope, m.id, change);
    if (m.tags) yield* updateMemory(d, scope, m.id, { tags: m.tags, updatedAt: at }, false);
  }
  yield* updateSalience(
    d,
    scope,
    merges.map((m) => ({ id: m.id, salience: m.salience, lastSeenAt: m.lastSeenAt })),
  );
}

export function* getMemories(
  d: Dialect,
  scope: UserScope,
  ids: readonly string[],
  options: GetOptions = {},
): Op<MemoryRecord[]> {
  const out: MemoryRecord[] = [];
  const cols = options.meanVec === false ? COLS_WITHOUT_MEAN : COLS;
  for (const part of chunks(usableIds(d, ids), idChunk(d))) {
    const { rows } =
      yield sql`SELECT ${cols} FROM ${raw(d.tables.memories)} WHERE id IN ${list(part)} AND ${inScopeById(scope)}`;
    out.push(...rows.map(decodeMemory));
  }
  return out;
}

export function* listMemories(d: Dialect, scope: UserScope, o: ListOptions): Op<MemoryRecord[]> {
  const where: Stmt[] = [inScope(scope)];
  if (o.sectors) where.push(o.sectors.length === 0 ? sql`1 = 0` : sql`primary_sector IN ${list(o.sectors)}`);
  if (o.createdFrom !== undefined) where.push(sql`created_at >= ${o.createdFrom}`);
  if (o.createdTo !== undefined) where.push(sql`created_at < ${o.createdTo}`);
  const { rows } = yield sql`SELECT ${COLS} FROM ${raw(d.tables.memories)} WHERE ${join(where, ' AND ')}
    ORDER BY ${raw(ORDER[o.order ?? 'created_desc'])} LIMIT ${count(o.limit)} OFFSET ${count(o.offset)}`;
  return rows.map(decodeMemory);
}

export function* countMemories(d: Dialect, scope: UserScope): Op<number> {
  const { rows } = yield sql`SELECT COUNT(*) AS n FROM ${raw(d.tables.memories)} WHERE ${inScope(scope)}`;
  return Number(rows[0]?.n ?? 0);
}

export function* findBySimhash(d: Dialect, scope: UserScope, simhashes: readonly string[]): Op<MemoryRecord[]> {
  const out: MemoryRecord[] = [];
  for (const part of chunks([...new Set(simhashes)], idChunk(d))) {
    const { rows } =
      yield sql`SELECT ${COLS} FROM ${raw(d.tables.memories)} WHERE ${inScope(scope)} AND simhash IN ${list(part)}`;
    out.push(...rows.map(decodeMemory));
  }
  return out.sort((a, b) => b.salience - a.salience || (a.id < b.id ? -1 : 1));
}

function patchAssignments(p: MemoryPatch): Stmt[] {
  const set: Stmt[] = [sql`updated_at = ${p.updatedAt}`];
  if (p.content !== undefined) set.push(sql`content = ${p.content}`);
  if (p.simhash !== undefined) set.push(sql`simhash = ${p.simhash}`);
  if (p.primarySector !== undefined) set.push(sql`primary_sector = ${p.primarySector}`);
  if (p.tags !== undefined) set.push(sql`tags = ${p.tags === null ? null : JSON.stringify(p.tags)}`);
  if (p.meta !== undefined) set.push(sql`meta = ${JSON.stringify(p.meta)}`);
  if (p.decayLambda !== undefined) set.push(sql`decay_lambda = ${p.decayLambda}`);
  if (p.salience !== undefined) set.push(sql`salience = ${p.salience}`);
  if (p.meanDim !== undefined) set.push(sql`mean_dim = ${p.meanDim}`);
  if (p.meanVec !== undefined) set.push(sql`mean_vec = ${p.meanVec === null ? null : encodeVector(p.meanVec)}`);
  if (p.bumpVersion) set.push(sql`version = version + 1`);
  return set;
}

/** Field names of a patch as the API calls them, for the history. */
const PATCH_FIELDS = { content: 'content', tags: 'tags', meta: 'metadata' } as const;

/** `noted`: record the change in the memory's history (false: the caller records it otherwise). */
export function* updateMemory(d: Dialect, scope: UserScope, id: string, patch: MemoryPatch, noted = true): Op<boolean> {
  if (!d.isMemoryId(id)) return false;
  if (noted) {
    const given = (k: string) => patch[k as keyof typeof PATCH_FIELDS] !== undefined;
    const fields = Object.entries(PATCH_FIELDS).flatMap(([k, name]) => (given(k) ? [name] : []));
    const replaced = patch.content !== undefined;
    yield* noteStoredChange(d, scope, id, {
      event: replaced ? 'supersede' : 'update',
      content: replaced ? newContent(patch.content!) : unchangedContent,
      detail: { fields },
      at: patch.updatedAt,
    });
  }
  const { changes } = yield sql`UPDATE ${raw(d.tables.memories)} SET ${join(patchAssignments(patch), ', ')}
    WHERE id = ${id} AND ${inScope(scope)}`;
  if (changes === 0) return false;
  if (patch.vectors) {
    yield sql`DELETE FROM ${raw(d.tables.vectors)} WHERE id = ${id} AND ${inScope(scope)}`;
    yield* insertVectors(d, scope, [{ id, vectors: patch.vectors }]);
  }
  return true;
}

/** Rows per batched salience statement (4 values each; keeps statement text and memory modest). */
const SALIENCE_BATCH = 1000;

/** A salience update of one user's memory. */
export interface ScopedSalience {
  scope: UserScope;
  update: SalienceUpdate;
}

/**
 * Applies salience updates of several users' memories, each only where the memory is its
 * update's user's (last one wins for a repeated id); returns those applied.
 */
export function* updateSaliences(d: Dialect, updates: readonly ScopedSalience[]): Op<ScopedSalience[]> {
  // An update of another user's memory never replaces one of its owner's.
  const key = (user: string, id: string) => `${user}\u0000${id}`;
  const byKey = new Map(
    updates.filter((u) => d.isMemoryId(u.update.id)).map((u) => [key(userKey(u.scope), u.update.id), u]),
  );
  const applied: ScopedSalience[] = [];
  // In id order, so concurrent updates of overlapping rows lock them in one order (no deadlock).
  const ordered = [...byKey.values()].sort((a, b) =>
    a.update.id < b.update.id ? -1 : a.update.id > b.update.id ? 1 : 0,
  );
  for (const part of chunks(ordered, SALIENCE_BATCH)) {
    // Casts give every VALUES column its type on PostgreSQL (unknown-typed parameters would be text).
    const rows = part.map(
      ({
        scope,
        update: u,
      }) => sql`(${d.memoryIdValue(u.id)}, CAST(${userKey(scope)} AS TEXT), CAST(${u.salience} AS DOUBLE PRECISION),
        CAST(${u.lastSeenAt ?? null} AS BIGINT), CAST(${u.feedbackScore ?? null} AS DOUBLE PRECISION))`,
    );
    const { rows: done } = yield sql`UPDATE ${raw(d.tables.memories)} AS m SET salience = v.column3,
      last_seen_at = COALESCE(v.column4, m.last_seen_at), feedback_score = COALESCE(v.column5, m.feedback_score)
      FROM (VALUES ${join(rows, ', ')}) AS v WHERE m.id = v.column1 AND COALESCE(m.user_id, '') = v.column2 RETURNING id, user_id`;
    for (const r of done) applied.push(byKey.get(key(storedUserKey(r.user_id), String(r.id)))!);
  }
  return applied;
}

/** Applies the updates of the scope's memories (last one wins for a repeated id); returns the ids updated. */
export function* updateSalience(d: Dialect, scope: UserScope, updates: readonly SalienceUpdate[]): Op<string[]> {
  return (yield* updateSaliences(
    d,
    updates.map((update) => ({ scope, update })),
  )).map((u) => u.update.id);
}

/** What an add's history entry has besides its memory, content and time. */
const FIRST = { previousContent: null, detail: null } as const;

/** The sources of the links a delete removed. */
type DeletedLinks = { linkSources: string[] };

/** A reinforcement by hand, with its history entry; false when the memory is not the scope's. */
export function* reinforceMemory(d: Dialect, scope: UserScope, update: Reinforcement): Op<boolean> {
  if (!d.isMemoryId(update.id)) return false;
  const { id, salience, lastSeenAt: at } = update;
  yield* noteStoredChange(d, scope, id, { event: 'reinforce', content: unchangedContent, detail: { salience }, at });
  return (yield* updateSalience(d, scope, [update])).length > 0;
}

/**
 * Deletes the memory with its vectors and links, noting it in its history; null when it is not
 * the scope's, else the sources of the links removed.
 */
export function* deleteMemory(d: Dialect, scope: UserScope, id: string, at: number): Op<DeletedLinks | null> {
  if (!d.isMemoryId(id)) return null;
  yield* noteStoredChange(d, scope, id, { event: 'delete', content: newContent(null), detail: null, at });
  const { changes } = yield sql`DELETE FROM ${raw(d.tables.memories)} WHERE id = ${id} AND ${inScope(scope)}`;
  if (changes === 0) return null;
  yield sql`DELETE FROM ${raw(d.tables.vectors)} WHERE id = ${id} AND ${inScope(scope)}`;
  yield sql`DELETE FROM ${raw(d.tables.embedLogs)} WHERE id = ${id}`;
  const { rows } =
    yield sql`DELETE FROM ${raw(d.tables.waypoints)} WHERE (src_id = ${id} OR dst_id = ${id}) AND ${inScope(scope)} RETURNING src_id`;
  return { linkSources: rows.map((r) => String(r.src_id)) };
}
