/**
 * One user's temporal facts (../../core/temporal.ts). Every statement is scoped to the user:
 * an id of another user's fact behaves as a missing one, and no count or search reads another
 * user's rows (upstream filtered its timelines after reading everyone's).
 */
import type { Fact } from '../../core/temporal.js';
import { closedAt } from '../../core/temporal.js';
import { isPlainObject, parseJson } from '../codec.js';
import type { Dialect } from '../dialect.js';
import type { Op, Row } from '../driver.js';
import type { UserScope } from '../scope.js';
import { count, inScope, raw, sql, type Stmt } from '../sql.js';

export type FactField = 'subject' | 'predicate' | 'object';

export interface FactQuery {
  subject?: string;
  predicate?: string;
  object?: string;
  /** Only facts that hold at this time; absent: history included. */
  at?: number;
  /** Only facts not closed yet. */
  current?: boolean;
  minConfidence?: number;
  /** Case-insensitive substring of one field. */
  contains?: { field: FactField; text: string };
  /** `confidence`: most confident first; `predicate`: by predicate, newest first; `time`: oldest first. */
  order: 'confidence' | 'predicate' | 'time';
  limit: number;
}

export interface FactPatch {
  confidence?: number;
  metadata?: Record<string, unknown>;
  validTo?: number;
}

export interface VolatileFact {
  subject: string;
  predicate: string;
  change_count: number;
  avg_confidence: number;
}

const COLUMNS =
  'id, user_id, project_id, subject, predicate, object, valid_from, valid_to, confidence, last_updated, metadata';

function decodeFact(r: Row): Fact {
  return {
    id: String(r.id),
    userId: r.user_id === null || r.user_id === undefined ? null : String(r.user_id),
    projectId: r.project_id === null || r.project_id === undefined ? null : String(r.project_id),
    subject: String(r.subject),
    predicate: String(r.predicate),
    object: String(r.object),
    validFrom: Number(r.valid_from),
    validTo: r.valid_to === null || r.valid_to === undefined ? null : Number(r.valid_to),
    confidence: Number(r.confidence),
    lastUpdated: Number(r.last_updated),
    metadata: parseJson(r.metadata, isPlainObject, null),
  };
}

/** LIKE text matching `text` literally anywhere. */
function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const ORDERS: Record<FactQuery['order'], string> = {
  confidence: 'confidence DESC, valid_from DESC, id',
  predicate: 'predicate, valid_from DESC, id',
  time: 'valid_from, id',
};

function factFilter(scope: UserScope, q: Omit<FactQuery, 'order' | 'limit'>): Stmt {
  const parts: Stmt[] = [inScope(scope)];
  if (q.subject !== undefined) parts.push(sql`subject = ${q.subject}`);
  if (q.predicate !== undefined) parts.push(sql`predicate = ${q.predicate}`);
  if (q.object !== undefined) parts.push(sql`object = ${q.object}`);
  if (q.at !== undefined) parts.push(sql`valid_from <= ${q.at} AND (valid_to IS NULL OR valid_to >= ${q.at})`);
  if (q.current) parts.push(sql`valid_to IS NULL`);
  if (q.minConfidence !== undefined && q.minConfidence > 0) parts.push(sql`confidence >= ${q.minConfidence}`);
  if (q.contains) parts.push(sql`lower(${raw(q.contains.field)}) LIKE ${containing(q.contains.text)} ESCAPE '\\'`);
  return parts.reduce((a, b) => sql`${a} AND ${b}`);
}

export function* findFacts(d: Dialect, scope: UserScope, q: FactQuery): Op<Fact[]> {
  const { rows } = yield sql`SELECT ${raw(COLUMNS)} FROM ${raw(d.tables.temporalFacts)} WHERE ${factFilter(scope, q)}
    ORDER BY ${raw(ORDERS[q.order])} LIMIT ${count(q.limit)}`;
  return rows.map(decodeFact);
}

export function* getFact(d: Dialect, scope: UserScope, id: string): Op<Fact | null> {
  const { rows } =
    yield sql`SELECT ${raw(COLUMNS)} FROM ${raw(d.tables.temporalFacts)} WHERE id = ${id} AND ${inScope(scope)}`;
  return rows[0] ? decodeFact(rows[0]) : null;
}

/**
 * Inserts the fact and closes the current fact(s) of its subject and predicate that began
 * before it, in one transaction. A fact that begins before a current one of the same subject and
 * predicate was already superseded: it is stored closed where the later one begins.
 */
export function* insertFact(d: Dialect, scope: UserScope, f: Omit<Fact, 'userId' | 'validTo'>): Op<Fact> {
  const t = raw(d.tables.temporalFacts);
  const same = sql`${inScope(scope)} AND subject = ${f.subject} AND predicate = ${f.predicate}`;
  yield sql`UPDATE ${t} SET valid_to = ${closedAt(f.validFrom)}, last_updated = ${f.lastUpdated}
    WHERE ${same} AND valid_to IS NULL AND valid_from < ${f.validFrom}`;
  const { rows } = yield sql`SELECT MIN(valid_from) AS next FROM ${t} WHERE ${same} AND valid_from >= ${f.validFrom}`;
  const next = rows[0]?.next;
  const validTo = next === null || next === undefined ? null : closedAt(Number(next));
  const metadata = f.metadata === null ? null : JSON.stringify(f.metadata);
  yield sql`INSERT INTO ${t} (${raw(COLUMNS)}) VALUES (${f.id}, ${scope.userId}, ${f.projectId}, ${f.subject}, ${f.predicate},
    ${f.object}, ${f.validFrom}, ${validTo}, ${f.confidence}, ${f.lastUpdated}, ${metadata})`;
  return { ...f, userId: scope.userId, validTo };
}

/** Applies the patch to the scope's fact; null when the id is not the scope's. */
export function* updateFact(d: Dialect, scope: UserScope, id: string, patch: FactPatch, now: number): Op<Fact | null> {
  const sets: Stmt[] = [sql`last_updated = ${now}`];
  if (patch.confidence !== undefined) sets.push(sql`confidence = ${patch.confidence}`);
  if (patch.metadata !== undefined) sets.push(sql`metadata = ${JSON.stringify(patch.metadata)}`);
  if (patch.validTo !== undefined) sets.push(sql`valid_to = ${patch.validTo}`);
  const { changes } = yield sql`UPDATE ${raw(d.tables.temporalFacts)} SET ${sets.reduce((a, b) => sql`${a}, ${b}`)}
    WHERE id = ${id} AND ${inScope(scope)}`;
  return changes > 0 ? yield* getFact(d, scope, id) : null;
}

export function* factCounts(d: Dialect, scope: UserScope): Op<{ active: number; total: number }> {
  const { rows } = yield sql`SELECT COUNT(*) AS total, SUM(CASE WHEN valid_to IS NULL THEN 1 ELSE 0 END) AS active
    FROM ${raw(d.tables.temporalFacts)} WHERE ${inScope(scope)}`;
  return { active: Number(rows[0]?.active ?? 0), total: Number(rows[0]?.total ?? 0) };
}

/** (subject, predicate) pairs of the scope with more than one fact, the most changed first. */
export function* volatileFacts(
  d: Dialect,
  scope: UserScope,
  subject: string | undefined,
  limit: number,
): Op<VolatileFact[]> {
  const { rows } = yield sql`SELECT subject, predicate, COUNT(*) AS change_count, AVG(confidence) AS avg_confidence
    FROM ${raw(d.tables.temporalFacts)} WHERE ${factFilter(scope, subject === undefined ? {} : { subject })}
    GROUP BY subject, predicate HAVING COUNT(*) > 1
    ORDER BY change_count DESC, avg_confidence, subject, predicate LIMIT ${count(limit)}`;
  return rows.map((r) => ({
    subject: String(r.subject),
    predicate: String(r.predicate),
    change_count: Number(r.change_count),
    avg_confidence: Number(r.avg_confidence),
  }));
}

/** Every user's current facts lose `rate` of their confidence per day since they began (upstream's global decay). */
export function* adminDecayFacts(d: Dialect, rate: number, now: number, floor: number, dayMs: number): Op<number> {
  const decayed = `confidence * (1 - ? * ((? - valid_from) / ${dayMs}.0))`;
  const { changes } = yield {
    text: `UPDATE ${d.tables.temporalFacts} SET confidence = CASE WHEN ${decayed} < ${floor} THEN ${floor} ELSE ${decayed} END
      WHERE valid_to IS NULL AND confidence > ${floor}`,
    params: [rate, now, rate, now],
  };
  return changes;
}

export function* deleteUserFacts(d: Dialect, scope: UserScope): Op<number> {
  yield sql`DELETE FROM ${raw(d.tables.temporalEdges)} WHERE ${inScope(scope)}`;
  return (yield sql`DELETE FROM ${raw(d.tables.temporalFacts)} WHERE ${inScope(scope)}`).changes;
}
