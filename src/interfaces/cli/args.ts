/**
 * Command-line parsing on `node:util` parseArgs: the options every data command shares,
 * typed value checks, and the usage error that maps to exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isSector, type Sector } from '../../core/types.js';

/** A wrong command line (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where a data command runs (local database or `--url` server) and for whom. */
export const TARGET_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  user: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

export function parseCommand<O extends Options>(
  args: string[],
  options: O,
  positionals: { min: number; max: number; names: string },
): Parsed<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min || n > positionals.max) {
    throw new UsageError(positionals.max === 0 ? 'this command takes no arguments' : `expected ${positionals.names}`);
  }
  return parsed;
}

export function numberOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}`);
  }
  return n;
}

/** `a,b,c` → `['a', 'b', 'c']`. */
export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

export function sectorOption(value: string | undefined, name = 'sector'): Sector | undefined {
  if (value === undefined) return undefined;
  if (!isSector(value))
    throw new UsageError(`--${name} must be one of episodic, semantic, procedural, emotional, reflective`);
  return value;
}

export function jsonObjectOption(value: string | undefined, name: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UsageError(`--${name} must be a JSON object`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError(`--${name} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Fields that are undefined are left out, so SDK and engine defaults apply. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
