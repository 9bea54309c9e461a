/** Row ⇄ record mapping for every table, shared by both backends. */
import type { MemoryRecord, SectorVector, Waypoint } from '../core/types.js';
import { isSector } from '../core/types.js';
import { decodeOptionalVector, decodeVector, encodeVector, isPlainObject, isStringArray, parseJson } from './codec.js';
import type { Row } from './driver.js';
import type { ApiKeyRecord, RecallRow } from './store.js';

export const MEMORY_COLUMNS = [
  'id',
  'user_id',
  'segment',
  'content',
  'simhash',
  'primary_sector',
  'tags',
  'meta',
  'created_at',
  'updated_at',
  'last_seen_at',
  'salience',
  'decay_lambda',
  'version',
  'mean_dim',
  'mean_vec',
  'compressed_vec',
  'feedback_score',
] as const;

/** Values in {@link MEMORY_COLUMNS} order. `compressed_vec` is written by no one (v1.2 never read it). */
export function memoryValues(m: Omit<MemoryRecord, 'userId'>, userId: string | null): unknown[] {
  return [
    m.id,
    userId,
    m.segment,
    m.content,
    m.simhash,
    m.primarySector,
    m.tags === null ? null : JSON.stringify(m.tags),
    JSON.stringify(m.meta ?? {}),
    m.createdAt,
    m.updatedAt,
    m.lastSeenAt,
    m.salience,
    m.decayLambda,
    m.version,
    m.meanDim,
    m.meanVec === null ? null : encodeVector(m.meanVec),
    null,
    m.feedbackScore,
  ];
}

/** Numbers from a column that upgraded garbage rows may fill with text or NULL. */
function num(v: unknown, fallback = 0): number {
  const n = typeof v === 'number' ? v : Number(v);
  return v === null || v === undefined || !Number.isFinite(n) ? fallback : n;
}

export function decodeMemory(r: Row): MemoryRecord {
  return {
    id: String(r.id),
    userId: r.user_id === null || r.user_id === undefined ? null : String(r.user_id),
    segment: num(r.segment),
    content: String(r.content ?? ''),
    simhash: r.simhash === null || r.simhash === undefined ? null : String(r.simhash),
    primarySector: String(r.primary_sector ?? ''),
    tags: parseJson<string[] | null>(r.tags, isStringArray, null),
    meta: parseJson(r.meta, isPlainObject, {}),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    lastSeenAt: num(r.last_seen_at),
    salience: num(r.salience),
    decayLambda: num(r.decay_lambda),
    version: num(r.version, 1),
    meanDim: r.mean_dim === null || r.mean_dim === undefined ? null : num(r.mean_dim),
    meanVec: decodeOptionalVector(r.mean_vec),
    feedbackScore: num(r.feedback_score),
  };
}

/** The columns a user model keeps of a memory (no mean vector, metadata left as validated text). */
export const RECALL_COLUMNS = [
  'id',
  'content',
  'primary_sector',
  'simhash',
  'tags',
  'meta',
  'created_at',
  'last_seen_at',
  'salience',
  'feedback_score',
] as const;

export function decodeRecallMemory(r: Row): RecallRow {
  const meta = parseJson(r.meta, isPlainObject, null);
  return {
    id: String(r.id),
    content: String(r.content ?? ''),
    primarySector: String(r.primary_sector ?? ''),
    simhash: r.simhash === null || r.simhash === undefined ? null : String(r.simhash),
    tags: parseJson<string[] | null>(r.tags, isStringArray, null),
    metaJson: meta === null ? '{}' : String(r.meta),
    createdAt: num(r.created_at),
    lastSeenAt: num(r.last_seen_at),
    salience: num(r.salience),
    feedbackScore: num(r.feedback_score),
  };
}

/** A `vectors` row, or null when its sector or bytes are unusable. */
export function decodeSectorVector(r: Row): SectorVector | null {
  if (!isSector(r.sector) || !(r.v instanceof Uint8Array)) return null;
  return {
    sector: r.sector,
    vector: decodeVector(r.v),
    model: r.model === null || r.model === undefined ? null : String(r.model),
  };
}

export function decodeWaypoint(r: Row): Waypoint {
  return {
    srcId: String(r.src_id),
    dstId: String(r.dst_id),
    weight: num(r.weight),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at, num(r.created_at)),
  };
}

export function decodeApiKey(r: Row): ApiKeyRecord {
  return {
    id: String(r.id),
    userKey: r.user_id === null ? null : String(r.user_id),
    role: r.role === 'admin' ? 'admin' : 'user',
    label: r.label === null ? null : String(r.label),
    hash: String(r.key_hash),
    createdAt: num(r.created_at),
    revokedAt: r.revoked_at === null ? null : num(r.revoked_at),
    lastUsedAt: r.last_used_at === null ? null : num(r.last_used_at),
  };
}
