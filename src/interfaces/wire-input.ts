/**
 * v1.2 wire fields (snake_case, as HTTP bodies, MCP tool arguments and SDK options carry them)
 * to engine inputs. Absent fields stay absent so engine defaults apply.
 */
import type { Sector } from '../core/types.js';
import type { AddInput, ListInput, QueryInput } from '../engine/api.js';

export interface WireAdd {
  content: string;
  tags?: string[] | undefined;
  metadata?: Record<string, unknown> | undefined;
  sector?: Sector | undefined;
  salience?: number | undefined;
  created_at?: number | undefined;
}

export interface WireFilters {
  sector?: Sector | undefined;
  sectors?: Sector[] | undefined;
  min_score?: number | undefined;
  min_salience?: number | undefined;
  tags?: string[] | undefined;
  since?: number | undefined;
  until?: number | undefined;
}

export interface WireList {
  limit?: number | undefined;
  offset?: number | undefined;
  sector?: Sector | undefined;
}

/** The entries whose value is defined, as an object. */
function defined<T>(pairs: Array<[keyof T, unknown]>): T {
  return Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as T;
}

export function toAddInput(w: WireAdd): AddInput {
  return defined<AddInput>([
    ['content', w.content],
    ['tags', w.tags],
    ['metadata', w.metadata],
    ['sector', w.sector],
    ['salience', w.salience],
    ['createdAt', w.created_at],
  ]);
}

/**
 * v1.2's `min_score` was never a score: its server compared it with the memory's salience
 * (reference §3.4), and v1.2 clients send it meaning exactly that. It is kept so; with
 * `min_salience` also given, the stricter floor applies.
 */
function minSalience(f: WireFilters): number | undefined {
  const floors = [f.min_score, f.min_salience].filter((v): v is number => v !== undefined);
  return floors.length === 0 ? undefined : Math.max(...floors);
}

export function toQueryInput(query: string, k: number | undefined, f: WireFilters = {}): QueryInput {
  return defined<QueryInput>([
    ['query', query],
    ['k', k],
    ['sectors', f.sectors ?? (f.sector ? [f.sector] : undefined)],
    ['minSalience', minSalience(f)],
    ['tags', f.tags],
    ['since', f.since],
    ['until', f.until],
  ]);
}

export function toListInput(w: WireList): ListInput {
  return defined<ListInput>([
    ['limit', w.limit],
    ['offset', w.offset],
    ['sector', w.sector],
  ]);
}
