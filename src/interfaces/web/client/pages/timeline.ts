/** Timeline and decay: new memories per sector over time, and how salience is spread. */
import { api, qs } from '../api.js';
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { lastDays } from '../format.js';
import { bars, columns, section } from '../ui.js';

interface Timeline {
  timeline: Array<{ primary_sector: string; hour: string; count: number }>;
}

interface Sectors {
  configs: Record<string, { decay_lambda: number }>;
}

function bySector(rows: Timeline['timeline']): Node[] {
  const sectors = [...new Set(rows.map((r) => r.primary_sector))].sort();
  const labels = lastDays(30);
  return sectors.map((s) =>
    h(
      'div',
      { class: 'series' },
      h('h3', null, s),
      columns(
        labels.map((day) => ({
          label: day.slice(5),
          value: rows.find((r) => r.primary_sector === s && r.hour === day)?.count ?? 0,
        })),
      ),
    ),
  );
}

export async function timelinePage(ctx: PageContext): Promise<Node> {
  const [days, salience, sectors] = await Promise.all([
    api<Timeline>('GET', `/dashboard/sectors/timeline${qs({ user_id: ctx.user, hours: 24 * 30, bucket: 'day' })}`),
    api<{ buckets: number[]; scanned: number }>('GET', `/dashboard/salience${qs({ user_id: ctx.user })}`),
    api<Sectors>('GET', `/sectors${qs({ user_id: ctx.user })}`),
  ]);
  return h(
    'div',
    { class: 'grid' },
    section('New memories per sector and day (30 days)', days.timeline.length ? bySector(days.timeline) : columns([])),
    section(
      'Salience distribution',
      h(
        'p',
        { class: 'hint' },
        `Of the ${salience.scanned.toLocaleString('en-US')} newest memories. Salience fades with time and rises when a memory is recalled or reinforced.`,
      ),
      bars(
        salience.buckets.map((value, i) => ({ label: `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`, value })),
      ),
    ),
    section(
      'Decay rate per sector (per day)',
      bars(
        Object.entries(sectors.configs).map(([label, c]) => ({
          label,
          value: Math.round(c.decay_lambda * 1000) / 1000,
        })),
      ),
    ),
  );
}
