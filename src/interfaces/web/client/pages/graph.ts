/**
 * Graph: the user's waypoints around a memory as a simple SVG — the memory in the middle, its
 * links on an inner ring, theirs outside. Every node is a link: following it re-centres there.
 */
import { api, qs } from '../api.js';
import type { PageContext } from '../context.js';
import { h, svg } from '../dom.js';
import { preview } from '../format.js';
import { empty, section } from '../ui.js';

export interface Graph {
  center: string;
  nodes: Array<{ id: string; content: string; primary_sector: string; salience: number }>;
  links: Array<{ from: string; to: string; weight: number }>;
}

const SIZE = 640;
const MID = SIZE / 2;

function layout(g: Graph): Map<string, { x: number; y: number }> {
  const ring = new Map<string, number>([[g.center, 0]]);
  for (const l of g.links) if (ring.has(l.from) && !ring.has(l.to)) ring.set(l.to, ring.get(l.from)! + 1);
  for (const n of g.nodes) if (!ring.has(n.id)) ring.set(n.id, 2);
  const pos = new Map<string, { x: number; y: number }>();
  for (const r of [0, 1, 2]) {
    const ids = g.nodes.filter((n) => ring.get(n.id) === r).map((n) => n.id);
    ids.forEach((id, i) => {
      const angle = (2 * Math.PI * i) / ids.length + r * 0.4;
      const radius = r * 140;
      pos.set(id, { x: MID + radius * Math.cos(angle), y: MID + radius * Math.sin(angle) });
    });
  }
  return pos;
}

function picture(ctx: PageContext, g: Graph): SVGElement {
  const pos = layout(g);
  return svg(
    'svg',
    { class: 'graph', viewBox: `0 0 ${SIZE} ${SIZE}`, role: 'group', 'aria-label': `links around memory ${g.center}` },
    g.links.map((l) => {
      const a = pos.get(l.from)!;
      const b = pos.get(l.to)!;
      return svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'edge', 'stroke-width': 0.5 + l.weight * 3 });
    }),
    g.nodes.map((n) => {
      const p = pos.get(n.id)!;
      const center = n.id === g.center;
      return svg(
        'a',
        {
          href: ctx.link('graph', n.id),
          class: `node s-${n.primary_sector}${center ? ' center' : ''}`,
          'aria-label': preview(n.content, 80),
        },
        svg('circle', { cx: p.x, cy: p.y, r: center ? 16 : 6 + n.salience * 8 }),
        // Labels point toward the middle, so none runs off the picture.
        p.x > MID + 1
          ? svg('text', { x: p.x - 12, y: p.y - 10, 'text-anchor': 'end' }, preview(n.content, 24))
          : svg('text', { x: p.x + 12, y: p.y + 4 }, preview(n.content, 24)),
        svg('title', null, n.content),
      );
    }),
  );
}

export async function graphPage(ctx: PageContext): Promise<Node> {
  let id = ctx.route.arg;
  if (!id) {
    const top = await api<{ memories: Array<{ id: string }> }>(
      'GET',
      `/dashboard/top-memories${qs({ user_id: ctx.user, limit: 1 })}`,
    );
    id = top.memories[0]?.id;
    if (!id) return section('Graph', empty(`${ctx.user} has no memories yet, so there is no graph to show.`));
  }
  const g = await api<Graph>('GET', `/memory/${encodeURIComponent(id)}/links${qs({ user_id: ctx.user })}`);
  const center = g.nodes.find((n) => n.id === g.center)!;
  return section(
    'Graph',
    h('p', null, 'Around: ', h('a', { href: ctx.link('memory', center.id) }, preview(center.content, 120))),
    g.links.length === 0
      ? empty('This memory has no links yet. Pick another one from the Memories page.')
      : picture(ctx, g),
    h(
      'p',
      { class: 'hint' },
      'Tab moves between memories; Enter re-centres the graph on one. Thicker lines are stronger links.',
    ),
  );
}
