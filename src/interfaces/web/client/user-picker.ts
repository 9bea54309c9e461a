/** The admin's choice of which user the pages show. */
import { api } from './api.js';
import type { PageContext } from './context.js';
import { h } from './dom.js';
import { DEFAULT_USER, userLabel } from './format.js';

interface UsersPage {
  total: number;
  users: Array<{ user_id: string | null }>;
}

/** Read once and kept (pages that add or erase users forget it), so moving between pages costs nothing. */
let known: Promise<string[]> | null = null;

export function forgetUserList(): void {
  known = null;
}

/** The first 200 users by id (the Users page lists them all). */
function knownUsers(): Promise<string[]> {
  known ??= api<UsersPage>('GET', '/users?l=200&fields=ids').then(
    (r) => r.users.map((u) => u.user_id ?? DEFAULT_USER),
    () => {
      known = null; // the page itself reports what failed
      return [];
    },
  );
  return known;
}

/** The user an admin sees before choosing one: the first there is. */
export async function firstUser(): Promise<string> {
  return (await knownUsers())[0] ?? DEFAULT_USER;
}

export async function userPicker(ctx: PageContext): Promise<HTMLElement> {
  const ids = [...(await knownUsers())];
  if (!ids.includes(ctx.user)) ids.unshift(ctx.user);
  const go = (user: string) => {
    const { page, arg, params } = ctx.route;
    location.hash = ctx.link(page, page === 'memory' || page === 'graph' ? undefined : arg, {
      ...Object.fromEntries(params),
      user,
    });
  };
  const select = h(
    'select',
    { id: 'user-picker', onchange: (e: Event) => go((e.target as HTMLSelectElement).value) },
    ids.map((id) => h('option', { value: id, selected: id === ctx.user }, userLabel(id === DEFAULT_USER ? null : id))),
  );
  return h('label', { class: 'picker' }, 'User ', select);
}
