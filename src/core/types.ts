/** Plain data shared by the core, the store and the engine. Times are epoch milliseconds. */

export const SECTORS = ['episodic', 'semantic', 'procedural', 'emotional', 'reflective'] as const;
export type Sector = (typeof SECTORS)[number];

export function isSector(value: unknown): value is Sector {
  return typeof value === 'string' && (SECTORS as readonly string[]).includes(value);
}

/** A row of `memories`, decoded. Columns keep their v1.2 meaning. */
export interface MemoryRecord {
  id: string;
  /** `null` = the default user. */
  userId: string | null;
  segment: number;
  /** The full text, always (never replaced by a summary). */
  content: string;
  simhash: string | null;
  /** Normally a {@link Sector}; upgraded garbage rows may hold anything. */
  primarySector: string;
  tags: string[] | null;
  meta: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  lastSeenAt: number;
  salience: number;
  decayLambda: number;
  version: number;
  meanDim: number | null;
  meanVec: Float32Array | null;
  feedbackScore: number;
}

/** One embedding of one memory in one sector (`vectors` row). */
export interface SectorVector {
  sector: Sector;
  vector: Float32Array;
  /** Embedder that produced it, e.g. `synthetic:om2/256`; `null` for vectors written by upstream OpenMemory. */
  model: string | null;
}

export interface Waypoint {
  srcId: string;
  dstId: string;
  weight: number;
  createdAt: number;
  updatedAt: number;
}

export interface UserRecord {
  /** `null` = the default user. */
  userId: string | null;
  summary: string | null;
  reflectionCount: number;
  createdAt: number;
  updatedAt: number;
}
