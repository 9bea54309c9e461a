/** The dashboard's entry: sign in (or not, on a keyless loopback server), then show the page the hash names. */
import { api, onUnauthorized } from './api.js';
import type { Page, PageContext } from './context.js';
import { h, mount } from './dom.js';
import { DEFAULT_USER } from './format.js';
import { graphPage } from './pages/graph.js';
import { keysPage } from './pages/keys.js';
import { memoriesPage } from './pages/memories.js';
import { memoryPage } from './pages/memory.js';
import { overviewPage } from './pages/overview.js';
import { signInPage } from './pages/signin.js';
import { timelinePage } from './pages/timeline.js';
import { transferPage } from './pages/transfer.js';
import { usersPage } from './pages/users.js';
import { currentRoute, hashFor } from './router.js';
import { currentSession, setSession, signOut, type Session } from './session.js';
import { errorBox } from './ui.js';
import { firstUser, userPicker } from './user-picker.js';

interface Nav {
  page: string;
  label: string;
  render: Page;
  admin?: boolean;
  /** Reached from another page, not listed in the menu. */
  hidden?: boolean;
}

const PAGES: Nav[] = [
  { page: 'overview', label: 'Overview', render: overviewPage },
  { page: 'memories', label: 'Memories', render: memoriesPage },
  { page: 'memory', label: 'Memory', render: memoryPage, hidden: true },
  { page: 'graph', label: 'Graph', render: graphPage },
  { page: 'timeline', label: 'Timeline & decay', render: timelinePage },
  { page: 'users', label: 'Users', render: usersPage, admin: true },
  { page: 'keys', label: 'API keys', render: keysPage, admin: true },
  { page: 'transfer', label: 'Import / export', render: transferPage },
];

const root = document.getElementById('app')!;

interface WhoAmI {
  role: 'admin' | 'user';
  user_id: string | null;
  key_required: boolean;
}

/** Asks the server who the stored key (or no key) is; null when a key must be entered. */
export async function identify(): Promise<Session | null> {
  try {
    const me = await api<WhoAmI>('GET', '/whoami');
    return { role: me.role, userId: me.user_id, keyRequired: me.key_required };
  } catch {
    return null;
  }
}

async function shownUser(session: Session, params: URLSearchParams): Promise<string> {
  if (session.role === 'user') return session.userId ?? DEFAULT_USER;
  return params.get('user') ?? (await firstUser());
}

/** Counts renders: one overtaken by a newer one (a click during a load) draws nothing. */
let generation = 0;

async function render(): Promise<void> {
  const mine = ++generation;
  const current = () => mine === generation;
  // Set again once the page is drawn: tests and scripts wait for it.
  delete root.dataset.ready;
  const session = currentSession();
  if (!session) {
    const form = await signInPage(start);
    if (!current()) return;
    mount(root, form);
    root.dataset.ready = 'signin';
    return;
  }
  const route = currentRoute();
  const nav = PAGES.find((p) => p.page === route.page && (!p.admin || session.role === 'admin')) ?? PAGES[0]!;
  const user = await shownUser(session, route.params);
  if (!current()) return;
  const ctx: PageContext = {
    session,
    route,
    user,
    link: (page, arg, params = {}) => hashFor(page, arg, { ...(session.role === 'admin' ? { user } : {}), ...params }),
    refresh: () => void render(),
  };
  const main = h('main', { id: 'main', tabindex: -1 }, h('p', { class: 'loading' }, 'Loading…'));
  // The page's data and the header's user list load together.
  const content = nav.render(ctx).catch((err: unknown) => errorBox(err));
  const picker = session.role === 'admin' ? await userPicker(ctx) : h('span', { class: 'badge' }, `user ${user}`);
  if (!current()) return;
  mount(
    root,
    h(
      'header',
      { class: 'top' },
      h('h1', null, 'OpenMemory'),
      h(
        'nav',
        { class: 'menu', 'aria-label': 'pages' },
        PAGES.filter((p) => !p.hidden && (!p.admin || session.role === 'admin')).map((p) =>
          h('a', { href: ctx.link(p.page), 'aria-current': p === nav ? 'page' : null }, p.label),
        ),
      ),
      h(
        'div',
        { class: 'who' },
        picker,
        h('span', { class: 'badge' }, session.role),
        session.keyRequired
          ? h(
              'button',
              {
                type: 'button',
                onclick: () => {
                  signOut();
                  location.hash = '';
                  void render();
                },
              },
              'Sign out',
            )
          : null,
      ),
    ),
    main,
  );
  document.title = `${nav.label} · OpenMemory`;
  const drawn = await content;
  if (!current()) return;
  mount(main, drawn);
  // Keyboard and screen-reader users land on the new page's content.
  if (document.activeElement === document.body || document.activeElement === null) main.focus({ preventScroll: true });
  root.dataset.ready = nav.page;
}

async function start(): Promise<void> {
  setSession(await identify());
  await render();
}

onUnauthorized.handler = () => {
  signOut();
  void render();
};
window.addEventListener('hashchange', () => void render());
void start();
