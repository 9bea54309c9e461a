/** Why a search result ranked where it did: the parts of its score, and the links it was reached by. */
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { fixed } from '../format.js';

export interface Match {
  id: string;
  content: string;
  score: number;
  primary_sector: string;
  path: string[];
  salience: number;
  tags: string[] | null;
  created_at: number;
  parts: Record<string, number>;
}

const PART_NAMES: Record<string, string> = {
  similarity: 'meaning (vector similarity)',
  overlap: 'shared words',
  keyword: 'keyword match (BM25)',
  tag: 'tags',
  waypoint: 'linked from a better match',
  salience: 'salience',
  recency: 'recency',
};

export function explanation(ctx: PageContext, m: Match): HTMLElement {
  const parts = Object.entries(m.parts)
    .filter(([, v]) => v > 0.005)
    .sort(([, a], [, b]) => b - a);
  return h(
    'details',
    { class: 'why' },
    h('summary', null, `score ${fixed(m.score, 3)} — why?`),
    h(
      'ul',
      null,
      parts.map(([k, v]) =>
        h('li', null, h('meter', { min: 0, max: 1, value: v }), ` ${PART_NAMES[k] ?? k}: ${fixed(v, 2)}`),
      ),
    ),
    m.path.length > 1
      ? h(
          'p',
          null,
          'Reached through links: ',
          m.path.map((id, i) => [i ? ' → ' : '', h('a', { href: ctx.link('memory', id) }, id.slice(0, 8))]),
        )
      : null,
  );
}
