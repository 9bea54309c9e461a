/**
 * Memories: the user's list, newest first, a page at a time (`l`/`u`, so 100k memories cost one
 * page), or a search whose results say why each ranked.
 */
import { api, qs } from '../api.js';
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { fixed, preview, when } from '../format.js';
import { empty, pager, section } from '../ui.js';
import { explanation, type Match } from './explain.js';
import { searchForm } from './search-form.js';

export const PAGE_SIZE = 50;

export interface MemoryItem {
  id: string;
  content: string;
  primary_sector: string;
  tags: string[] | null;
  salience: number;
  created_at: number;
}

function row(ctx: PageContext, m: MemoryItem | Match, extra?: Node): HTMLElement {
  return h(
    'li',
    { class: 'memory' },
    h('a', { href: ctx.link('memory', m.id), class: 'content' }, preview(m.content)),
    h(
      'p',
      { class: 'meta' },
      h('span', { class: `sector s-${m.primary_sector}` }, m.primary_sector),
      ` salience ${fixed(m.salience)} · ${when(m.created_at)}`,
      m.tags?.length ? ` · tags: ${m.tags.join(', ')}` : '',
    ),
    extra,
  );
}

async function results(ctx: PageContext, p: URLSearchParams): Promise<Node> {
  const filters = {
    user_id: ctx.user,
    ...(p.get('sector') ? { sector: p.get('sector') } : {}),
    ...(p.get('tags')
      ? {
          tags: p
            .get('tags')!
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        }
      : {}),
    ...(p.get('since') ? { since: Date.parse(p.get('since')!) } : {}),
    ...(p.get('until') ? { until: Date.parse(p.get('until')!) + 86_399_999 } : {}),
  };
  const r = await api<{ matches: Match[] }>('POST', '/memory/query', { query: p.get('q'), k: 20, filters });
  if (r.matches.length === 0) return empty('Nothing matched. Try other words, or clear the filters.');
  return h(
    'ol',
    { class: 'list ranked', 'aria-label': 'search results' },
    r.matches.map((m) => row(ctx, m, explanation(ctx, m))),
  );
}

async function listing(ctx: PageContext, p: URLSearchParams): Promise<Node> {
  const offset = Number(p.get('u') ?? 0) || 0;
  const sector = p.get('sector') ?? undefined;
  const r = await api<{ items: MemoryItem[] }>(
    'GET',
    `/memory/all${qs({ user_id: ctx.user, l: PAGE_SIZE, u: offset, sector })}`,
  );
  const go = (u: number) => (location.hash = ctx.link('memories', undefined, { sector, u: String(u) }));
  if (r.items.length === 0 && offset === 0) {
    return empty(
      `${ctx.user} has no memories${sector ? ` in the ${sector} sector` : ''} yet. Add some through the API or import a file (Import / export).`,
    );
  }
  return h(
    'div',
    null,
    h(
      'ul',
      { class: 'list' },
      r.items.map((m) => row(ctx, m)),
    ),
    pager(offset, PAGE_SIZE, r.items.length, go),
  );
}

export async function memoriesPage(ctx: PageContext): Promise<Node> {
  const p = ctx.route.params;
  const searching = Boolean(p.get('q'));
  return h(
    'div',
    null,
    section('Search', searchForm(ctx)),
    section(
      searching ? `Results for “${p.get('q')}”` : `Memories of ${ctx.user}, newest first`,
      await (searching ? results(ctx, p) : listing(ctx, p)),
    ),
  );
}
