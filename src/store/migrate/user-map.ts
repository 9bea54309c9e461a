/**
 * Upstream user ids that an upgrade renames. Releases from v1.2.3 store "no user" as the string
 * `anonymous`, and the current head derives the user from the API key (the first 16 hex digits
 * of its SHA-256) or calls it `dev-no-auth` without a key: kept as they are, those memories
 * would belong to users no request names, and vanish for callers that name none, whom upstream
 * served them. The operator's OM_UPGRADE_USER_MAP is applied over these.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_USER_KEY } from '../scope.js';
import { list, raw, sql, type Stmt } from '../sql.js';
import type { MigrationContext } from './types.js';

/** [upstream user id, our user id (null: the default user)]. */
export type UserRenames = ReadonlyArray<readonly [string, string | null]>;

/** What the steps need from the configuration. */
export interface UpgradeSettings {
  readonly userRenames: UserRenames;
}

export const NO_RENAMES: UpgradeSettings = Object.freeze({ userRenames: [] });

/** Upstream head's user for a request made with `key`. */
export function upstreamTenant(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16);
}

export function upgradeSettings(apiKey: string | null, configured: UserRenames): UpgradeSettings {
  const renames = new Map<string, string | null>([
    ['anonymous', null],
    ['dev-no-auth', null],
  ]);
  // The same key, now our admin key, keeps finding its memories without naming a user.
  if (apiKey !== null) renames.set(upstreamTenant(apiKey), null);
  for (const [from, to] of configured) renames.set(from, to);
  for (const [from, to] of renames) if (from === to) renames.delete(from);
  return { userRenames: [...renames] };
}

/** SQL: column `col` renamed (a CASE: renames apply at once, so `a:b,b:a` swaps). */
function renamed(renames: UserRenames, col: string): Stmt {
  const cases = renames.map(([from, to]) => sql` WHEN ${from} THEN ${to}`);
  return sql`CASE ${raw(col)}${cases.reduce((a, b) => sql`${a}${b}`)} ELSE ${raw(col)} END`;
}

/** Renames the user of the rows of `table` (a `user_id` column) that `where` selects; returns the rows changed. */
export async function renameUsers(
  ctx: MigrationContext,
  renames: UserRenames,
  table: string,
  where: Stmt = sql`1 = 1`,
): Promise<number> {
  if (renames.length === 0) return 0;
  const { changes } = await ctx.run(sql`UPDATE ${raw(table)} SET user_id = ${renamed(renames, 'user_id')}
    WHERE user_id IN ${list(renames.map(([from]) => from))} AND ${where}`);
  return changes;
}

/**
 * The same for `users`, keyed by user ('' = the default user): a renamed user whose new key
 * already has a row merges into it (the row there is kept; summaries are rebuilt from memories).
 */
export async function renameUserRows(ctx: MigrationContext, renames: UserRenames, users: string): Promise<void> {
  for (const [from, to] of renames) {
    const key = to ?? DEFAULT_USER_KEY;
    await ctx.run(sql`DELETE FROM ${raw(users)} WHERE user_id = ${from}
      AND EXISTS (SELECT 1 FROM ${raw(users)} u WHERE u.user_id = ${key})`);
    await ctx.run(sql`UPDATE ${raw(users)} SET user_id = ${key} WHERE user_id = ${from}`);
  }
}
