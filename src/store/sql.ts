/**
 * Dialect-neutral SQL fragments. Text uses `?` placeholders; the PostgreSQL driver renumbers
 * them to `$n`. Values are always bound, never spliced; only {@link raw} text is inlined, and
 * raw text is built from validated, quoted identifiers.
 */
import { DEFAULT_USER_KEY, userKey, type UserScope } from './scope.js';

export interface Stmt {
  readonly text: string;
  readonly params: readonly unknown[];
}

const RAW = Symbol('raw');
interface Raw {
  readonly [RAW]: string;
}

/** Inlines trusted SQL text (identifiers, keywords). */
export function raw(text: string): Raw {
  return { [RAW]: text };
}

function isRaw(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && RAW in v;
}

function isStmt(v: unknown): v is Stmt {
  return typeof v === 'object' && v !== null && 'text' in v && 'params' in v;
}

/** Tagged template: nested statements are inlined with their params, other values become `?`. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Stmt {
  let text = strings[0] ?? '';
  const params: unknown[] = [];
  values.forEach((v, i) => {
    if (isRaw(v)) text += v[RAW];
    else if (isStmt(v)) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += '?';
      params.push(v === undefined ? null : v);
    }
    text += strings[i + 1] ?? '';
  });
  return { text, params };
}

export function join(parts: readonly Stmt[], separator: string): Stmt {
  return {
    text: parts.map((p) => p.text).join(separator),
    params: parts.flatMap((p) => p.params),
  };
}

/** `(?, ?, ?)` for a list of values. */
export function list(values: readonly unknown[]): Stmt {
  return { text: `(${values.map(() => '?').join(', ')})`, params: [...values] };
}

/**
 * The user-scope predicate: `col = ?` for a named user, `col IS NULL` for the default user
 * (NULL never equals NULL, so the default user needs its own form).
 */
export function inScope(scope: UserScope, column = 'user_id'): Stmt {
  return scope.userId === null ? sql`${raw(column)} IS NULL` : sql`${raw(column)} = ${scope.userId}`;
}

/**
 * The user-scope predicate for statements that also select by id (`id IN (...)`, `id > ?`): an
 * expression no index serves, so the primary key drives them. With `col = ?`, SQLite (which
 * keeps no statistics) prefers the user index once an id list is long and walks every row of
 * that user, per statement.
 */
export function inScopeById(scope: UserScope, column = 'user_id'): Stmt {
  return sql`COALESCE(${raw(column)}, ${DEFAULT_USER_KEY}) = ${userKey(scope)}`;
}

/**
 * SQL text: `a` and `b` hold the same user, NULL (the default user) included. COALESCE: with
 * exactly one side NULL, `=` is NULL, and NOT of that is NULL too, so a plain comparison would
 * count such a row nowhere (it once left every upgraded vector with the default user).
 */
export function sameUser(a: string, b: string): string {
  return `(COALESCE(${a} = ${b}, 1 = 0) OR (${a} IS NULL AND ${b} IS NULL))`;
}

/** A LIMIT/OFFSET value: a non-negative integer, whatever the caller passed. */
export function count(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0;
}

/** Splits `items` so that no statement binds more than `size` values. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Double-quotes an identifier (config has validated it already; quoting keeps case and reserved words safe). */
export function ident(...parts: string[]): string {
  return parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
}
