/** The search box and its filters (sector, tags, time); submitting puts them in the hash. */
import type { PageContext } from '../context.js';
import { h } from '../dom.js';

export const SECTORS = ['episodic', 'semantic', 'procedural', 'emotional', 'reflective'];

export function searchForm(ctx: PageContext): HTMLElement {
  const p = ctx.route.params;
  const field = (id: string, label: string, input: HTMLElement) =>
    h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const q = h('input', { id: 'q', type: 'search', value: p.get('q') ?? '', placeholder: 'What are you looking for?' });
  const sector = h(
    'select',
    { id: 'sector' },
    h('option', { value: '' }, 'any sector'),
    SECTORS.map((s) => h('option', { value: s, selected: p.get('sector') === s }, s)),
  );
  const tags = h('input', { id: 'tags', value: p.get('tags') ?? '', placeholder: 'work, travel' });
  const since = h('input', { id: 'since', type: 'date', value: p.get('since') ?? '' });
  const until = h('input', { id: 'until', type: 'date', value: p.get('until') ?? '' });
  const submit = (e: Event) => {
    e.preventDefault();
    location.hash = ctx.link('memories', undefined, {
      q: q.value.trim(),
      sector: sector.value,
      tags: tags.value,
      since: since.value,
      until: until.value,
    });
  };
  return h(
    'form',
    { class: 'search', role: 'search', onsubmit: submit },
    field('q', 'Search', q),
    field('sector', 'Sector', sector),
    field('tags', 'Tags (all of)', tags),
    field('since', 'Created from', since),
    field('until', 'to', until),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Search'),
      h('a', { href: ctx.link('memories'), class: 'button' }, 'Clear'),
    ),
    h('p', { class: 'hint' }, 'Without words, the sector filter narrows the list; tags and dates apply to searches.'),
  );
}
