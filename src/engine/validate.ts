/** Input checks shared by the engine operations; each failure is a validation_error naming the field. */
import { isSector, type Sector } from '../core/types.js';
import { validationError } from '../errors.js';

/** Deeper metadata is refused: SQLite's JSON functions stop at depth 1000, and nobody needs 64. */
export const MAX_METADATA_DEPTH = 64;

/** PostgreSQL text cannot hold U+0000; refused on every backend so both behave the same. */
function noNul(value: string, field: string): string {
  if (value.includes('\u0000')) throw validationError(`${field} must not contain NUL (U+0000) characters`, { field });
  return value;
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0)
    throw validationError(`${field} must be a non-empty string`, { field });
  return noNul(value, field);
}

export function optionalTags(value: unknown, field = 'tags'): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string'))
    throw validationError(`${field} must be an array of strings`, { field });
  for (const t of value as string[]) noNul(t, field);
  return value as string[];
}

/** Walks a JSON value: depth bound, and no NUL in any key or string. */
function checkJson(value: unknown, field: string, depth: number): void {
  if (depth > MAX_METADATA_DEPTH)
    throw validationError(`${field} is nested deeper than ${MAX_METADATA_DEPTH} levels`, { field });
  if (typeof value === 'string') noNul(value, field);
  else if (Array.isArray(value)) for (const v of value) checkJson(v, field, depth + 1);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      noNul(k, field);
      checkJson(v, field, depth + 1);
    }
  }
}

export function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw validationError(`${field} must be an object`, { field });
  checkJson(value, field, 1);
  return value as Record<string, unknown>;
}

export function optionalNumber(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw validationError(`${field} must be a number between ${min} and ${max}`, { field });
  }
  return value;
}

export function optionalInt(value: unknown, field: string, min: number, max: number): number | undefined {
  const n = optionalNumber(value, field, min, max);
  if (n !== undefined && !Number.isInteger(n))
    throw validationError(`${field} must be an integer between ${min} and ${max}`, { field });
  return n;
}

export function optionalSectors(value: unknown, field = 'sectors'): Sector[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isSector))
    throw validationError(`${field} must list sector names`, { field });
  return value as Sector[];
}

export function optionalSector(value: unknown, field = 'sector'): Sector | undefined {
  if (value === undefined) return undefined;
  if (!isSector(value)) throw validationError(`${field} must be a sector name`, { field });
  return value;
}
