/** One memory: its fields, links and salience; edit, reinforce, or delete it (after confirming). */
import { api, qs } from '../api.js';
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { fixed, preview, when } from '../format.js';
import { confirmDialog, empty, errorBox, facts, section } from '../ui.js';
import type { Graph } from './graph.js';

interface MemoryView {
  id: string;
  content: string;
  primary_sector: string;
  sectors: string[];
  tags: string[] | null;
  metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  last_seen_at: number;
  salience: number;
  decay_lambda: number;
  version: number;
}

function editor(ctx: PageContext, m: MemoryView, status: HTMLElement): HTMLElement {
  const content = h('textarea', { id: 'content', rows: 5 }, m.content);
  const tags = h('input', { id: 'edit-tags', value: (m.tags ?? []).join(', ') });
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const tagList = tags.value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      await api('PATCH', `/memory/${encodeURIComponent(m.id)}`, {
        content: content.value,
        tags: tagList,
        user_id: ctx.user,
      });
      ctx.refresh();
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };
  return h(
    'form',
    { class: 'edit', onsubmit: save },
    h('label', { for: 'content' }, 'Content'),
    content,
    h('label', { for: 'edit-tags' }, 'Tags (comma separated)'),
    tags,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save changes')),
  );
}

function actions(ctx: PageContext, m: MemoryView, status: HTMLElement): HTMLElement {
  const reinforce = async () => {
    try {
      await api('POST', '/memory/reinforce', { id: m.id, user_id: ctx.user });
      ctx.refresh();
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };
  const remove = async () => {
    const ok = await confirmDialog(
      'Delete this memory?',
      h('p', null, preview(m.content, 200)),
      h('p', null, 'Its vectors and links go with it. This cannot be undone.'),
    );
    if (!ok) return;
    try {
      await api('DELETE', `/memory/${encodeURIComponent(m.id)}${qs({ user_id: ctx.user })}`);
      location.hash = ctx.link('memories');
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'button', onclick: reinforce }, 'Reinforce (+0.1 salience)'),
    h('a', { class: 'button', href: ctx.link('graph', m.id) }, 'Show in graph'),
    h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete…'),
  );
}

export async function memoryPage(ctx: PageContext): Promise<Node> {
  const id = ctx.route.arg;
  if (!id) return empty('No memory chosen: open one from the Memories page.');
  const user = qs({ user_id: ctx.user });
  const [m, graph] = await Promise.all([
    api<MemoryView>('GET', `/memory/${encodeURIComponent(id)}${user}`),
    api<Graph>('GET', `/memory/${encodeURIComponent(id)}/links${qs({ user_id: ctx.user, depth: 1 })}`),
  ]);
  const status = h('div', { 'aria-live': 'polite' });
  const neighbours = new Map(graph.nodes.map((n) => [n.id, n]));
  const links = graph.links.filter((l) => l.from === m.id);
  return h(
    'div',
    null,
    section(
      'Memory',
      h('p', { class: 'body' }, m.content),
      facts([
        ['Id', h('code', null, m.id)],
        [
          'Sector',
          `${m.primary_sector}${m.sectors.length > 1 ? ` (also ${m.sectors.filter((s) => s !== m.primary_sector).join(', ')})` : ''}`,
        ],
        ['Salience', `${fixed(m.salience, 3)} (decay rate ${m.decay_lambda})`],
        ['Tags', (m.tags ?? []).join(', ') || '—'],
        ['Created', when(m.created_at)],
        ['Updated', `${when(m.updated_at)} (version ${m.version})`],
        ['Last recalled', when(m.last_seen_at)],
      ]),
      actions(ctx, m, status),
      status,
    ),
    section(
      `Links (${links.length})`,
      links.length === 0
        ? empty('No links yet: memories link to similar ones of the same user as they are added and recalled.')
        : h(
            'ul',
            { class: 'list' },
            links.map((l) =>
              h(
                'li',
                null,
                h('a', { href: ctx.link('memory', l.to) }, preview(neighbours.get(l.to)?.content ?? l.to, 120)),
                ` · weight ${fixed(l.weight)}`,
              ),
            ),
          ),
    ),
    section('Edit', editor(ctx, m, status)),
  );
}
