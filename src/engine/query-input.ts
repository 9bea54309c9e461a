/** Validation and defaults of a query request. */
import type { Sector } from '../core/types.js';
import { validationError } from '../errors.js';
import type { QueryInput } from './api.js';
import { optionalInt, optionalNumber, optionalSectors, optionalTags, requireText } from './validate.js';

export const DEFAULT_K = 8;
export const MAX_K = 100;
const MAX_QUERY_CHARS = 10_000;

export interface QueryPlan {
  query: string;
  k: number;
  sectors: Sector[] | null;
  minScore: number;
  minSalience: number;
  since: number | null;
  until: number | null;
  tags: string[];
  reinforce: boolean;
}

export function planQuery(input: QueryInput, reinforceByDefault: boolean): QueryPlan {
  if (input === null || typeof input !== 'object') throw validationError('query input must be an object');
  const query = requireText(input.query, 'query');
  if (query.length > MAX_QUERY_CHARS)
    throw validationError(`query must be at most ${MAX_QUERY_CHARS} characters`, { field: 'query' });
  const sectors = optionalSectors(input.sectors);
  const since = optionalNumber(input.since, 'since', 0, Number.MAX_SAFE_INTEGER) ?? null;
  const until = optionalNumber(input.until, 'until', 0, Number.MAX_SAFE_INTEGER) ?? null;
  if (since !== null && until !== null && since > until)
    throw validationError('since must not be after until', { field: 'since' });
  if (input.reinforce !== undefined && typeof input.reinforce !== 'boolean')
    throw validationError('reinforce must be a boolean', { field: 'reinforce' });
  return {
    query,
    k: optionalInt(input.k, 'k', 1, MAX_K) ?? DEFAULT_K,
    sectors: sectors && sectors.length > 0 ? sectors : null,
    minScore: optionalNumber(input.minScore, 'minScore', 0, 1) ?? 0,
    minSalience: optionalNumber(input.minSalience, 'minSalience', 0, 1) ?? 0,
    since,
    until,
    tags: optionalTags(input.tags) ?? [],
    reinforce: input.reinforce ?? reinforceByDefault,
  };
}
