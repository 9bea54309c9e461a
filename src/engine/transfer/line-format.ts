/**
 * One memory per JSON line, for `export` and `import`. Vectors (optional) are little-endian
 * float32 in base64, so a dump re-imports bit for bit. Links are the memory's outgoing
 * waypoints within its user. A user's summary, when there is one, is a line of its own
 * (`kind: "user"`) before that user's memories.
 */
import { z } from 'zod';
import {
  SECTORS,
  type MemoryRecord,
  type Sector,
  type SectorVector,
  type UserRecord,
  type Waypoint,
} from '../../core/types.js';
import { MAX_USER_ID_LENGTH } from '../../store/scope.js';

export const FORMAT = 'openmemory-export/1';

const vectorLine = z.object({ sector: z.enum(SECTORS), model: z.string().nullable(), data: z.string() });

export const memoryLine = z.object({
  format: z.literal(FORMAT),
  id: z.string().min(1).max(128),
  user_id: z.string().min(1).max(MAX_USER_ID_LENGTH).nullable(),
  content: z.string(),
  primary_sector: z.string(),
  sectors: z.array(z.enum(SECTORS)),
  tags: z.array(z.string()).nullable(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.number(),
  updated_at: z.number(),
  last_seen_at: z.number(),
  salience: z.number(),
  decay_lambda: z.number(),
  version: z.number().int(),
  segment: z.number().int(),
  simhash: z.string().nullable(),
  feedback_score: z.number(),
  links: z.array(z.object({ to: z.string(), weight: z.number() })),
  vectors: z.array(vectorLine).optional(),
  mean_vector: z.string().nullable().optional(),
});

export type MemoryLine = z.infer<typeof memoryLine>;

export const userLine = z.object({
  format: z.literal(FORMAT),
  kind: z.literal('user'),
  user_id: z.string().min(1).max(MAX_USER_ID_LENGTH).nullable(),
  summary: z.string(),
  reflection_count: z.number().int().nonnegative(),
  created_at: z.number(),
  updated_at: z.number(),
});

export type UserLine = z.infer<typeof userLine>;

/** A user row without a summary carries nothing worth a line. */
export function toUserLine(u: UserRecord): UserLine | null {
  if (u.summary === null) return null;
  return {
    format: FORMAT,
    kind: 'user',
    user_id: u.userId,
    summary: u.summary,
    reflection_count: u.reflectionCount,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

export function encodeVector(v: Float32Array): string {
  const le = new Float32Array(v);
  return Buffer.from(le.buffer, le.byteOffset, le.byteLength).toString('base64');
}

export function decodeVector(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.byteLength % 4 !== 0) throw new Error('vector data is not a whole number of float32 values');
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

export function toLine(m: MemoryRecord, vectors: SectorVector[], links: Waypoint[], withVectors: boolean): MemoryLine {
  const sorted = [...vectors].sort((a, b) => SECTORS.indexOf(a.sector) - SECTORS.indexOf(b.sector));
  return {
    format: FORMAT,
    id: m.id,
    user_id: m.userId,
    content: m.content,
    primary_sector: m.primarySector,
    sectors: sorted.map((v) => v.sector),
    tags: m.tags,
    metadata: m.meta,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    last_seen_at: m.lastSeenAt,
    salience: m.salience,
    decay_lambda: m.decayLambda,
    version: m.version,
    segment: m.segment,
    simhash: m.simhash,
    feedback_score: m.feedbackScore,
    links: links
      .map((l) => ({ to: l.dstId, weight: l.weight }))
      .sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0)),
    ...(withVectors
      ? {
          vectors: sorted.map((v) => ({ sector: v.sector, model: v.model, data: encodeVector(v.vector) })),
          mean_vector: m.meanVec ? encodeVector(m.meanVec) : null,
        }
      : {}),
  };
}

export function toRecord(l: MemoryLine, mean: Float32Array | null): MemoryRecord {
  return {
    id: l.id,
    userId: l.user_id,
    segment: l.segment,
    content: l.content,
    simhash: l.simhash,
    primarySector: l.primary_sector,
    tags: l.tags,
    meta: l.metadata,
    createdAt: l.created_at,
    updatedAt: l.updated_at,
    lastSeenAt: l.last_seen_at,
    salience: l.salience,
    decayLambda: l.decay_lambda,
    version: l.version,
    meanDim: mean?.length ?? null,
    meanVec: mean,
    feedbackScore: l.feedback_score,
  };
}

export function linesVectors(l: MemoryLine): SectorVector[] {
  return (l.vectors ?? []).map((v) => ({ sector: v.sector as Sector, model: v.model, vector: decodeVector(v.data) }));
}
