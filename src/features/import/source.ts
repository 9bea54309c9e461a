/**
 * What an importer reads from another memory service: one user's memories, a page at a time,
 * resumable from an opaque cursor that the runner keeps in its checkpoint.
 */
import type { Sector } from '../../core/types.js';

/** A memory as another service held it. */
export interface SourceMemory {
  /** The service's id for it: kept in the metadata, and the seed of the memory's id here. */
  id: string;
  content: string;
  /** Epoch ms; now when the service gave none. */
  createdAt?: number;
  tags?: string[];
  metadata: Record<string, unknown>;
  salience?: number;
  sector?: Sector;
}

export interface SourcePage {
  memories: SourceMemory[];
  /** Where the next page starts; null after the last page. */
  next: string | null;
  /** How many memories the source holds in all, when it says. */
  total?: number;
}

export interface MemorySource {
  /** Provider name, as `--from` spells it (kept in each memory's metadata as `source`). */
  readonly name: string;
  /** The page at `cursor` (null: the first). */
  page(cursor: string | null): Promise<SourcePage>;
}

/** What every provider needs to reach the service. */
export interface SourceOptions {
  /** Service root, e.g. `https://api.mem0.ai` (tests: a local server). */
  baseUrl: string;
  apiKey: string;
  /** Whose memories to read on the service. */
  user: string | null;
  pageSize: number;
  /** Waits between retries (tests pass one that records). */
  sleep?: (ms: number) => Promise<void>;
}

/** An ISO date (or epoch ms) as epoch ms; undefined when unreadable. */
export function epochMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export { isPlainObject as isRecord } from '../../store/codec.js';

export const textOf = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The strings of an array a service sent. */
export const strings = (v: readonly unknown[]): string[] => v.filter((x): x is string => typeof x === 'string');
