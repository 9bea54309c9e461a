/** Users (admin): counts and summaries; regenerate a summary; erase a user after seeing what goes. */
import { api, qs } from '../api.js';
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { DEFAULT_USER, num, userLabel, when } from '../format.js';
import { confirmDialog, empty, errorBox, facts, pager, section } from '../ui.js';
import { forgetUserList } from '../user-picker.js';

interface UserRow {
  user_id: string | null;
  memories: number;
  vectors: number;
  waypoints: number;
  last_created_at: number | null;
  summary: string;
}

const PAGE = 25;

function card(ctx: PageContext, u: UserRow, status: HTMLElement): HTMLElement {
  const path = `/users/${encodeURIComponent(u.user_id ?? DEFAULT_USER)}`;
  const fail = (err: unknown) => status.replaceChildren(errorBox(err));
  const regenerate = () => api('POST', `${path}/summary/regenerate`).then(ctx.refresh, fail);
  const erase = async () => {
    const ok = await confirmDialog(
      `Erase ${userLabel(u.user_id)}?`,
      h('p', null, 'This removes, for good:'),
      h(
        'ul',
        null,
        h('li', null, `${num(u.memories)} memories`),
        h('li', null, `${num(u.vectors)} vectors`),
        h('li', null, `${num(u.waypoints)} links`),
        h('li', null, 'the user summary'),
      ),
      h('p', null, 'API keys of the user stay until you revoke them. Export the user first to keep a copy.'),
    );
    if (!ok) return;
    forgetUserList();
    await api('DELETE', `${path}/memories`).then(ctx.refresh, fail);
  };
  const shown = u.user_id ?? DEFAULT_USER;
  return h(
    'li',
    { class: 'user' },
    h('h3', null, h('a', { href: `#/memories?${new URLSearchParams({ user: shown })}` }, userLabel(u.user_id))),
    facts([
      ['Memories', num(u.memories)],
      ['Links', num(u.waypoints)],
      ['Last memory', when(u.last_created_at)],
    ]),
    h('p', { class: 'summary' }, u.summary || 'No summary yet.'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: regenerate }, 'Regenerate summary'),
      h('a', { class: 'button', href: `#/transfer?${new URLSearchParams({ user: shown })}` }, 'Export…'),
      h('button', { type: 'button', class: 'danger', onclick: erase }, 'Erase…'),
    ),
  );
}

export async function usersPage(ctx: PageContext): Promise<Node> {
  const offset = Number(ctx.route.params.get('u') ?? 0) || 0;
  const r = await api<{ total: number; users: UserRow[] }>('GET', `/users${qs({ l: PAGE, u: offset })}`);
  const status = h('div', { 'aria-live': 'polite' });
  if (r.total === 0) return section('Users', empty('No users yet: a user appears with its first memory.'));
  return section(
    `Users (${num(r.total)})`,
    status,
    h(
      'ul',
      { class: 'list users' },
      r.users.map((u) => card(ctx, u, status)),
    ),
    pager(
      offset,
      PAGE,
      r.users.length,
      (u) => (location.hash = ctx.link('users', undefined, { u: String(u) })),
      r.total,
    ),
  );
}
