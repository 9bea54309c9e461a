/** Overview: the user's memories per sector and over time, the server's health, jobs and (admin) traffic. */
import { api, apiText, qs } from '../api.js';
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { fixed, lastDays, num, when } from '../format.js';
import { modelFigures, parseMetrics, requestFigures } from '../metrics.js';
import { bars, columns, empty, facts, section } from '../ui.js';

interface Stats {
  totalMemories: number;
  recentMemories: number;
  sectorCounts: Record<string, number>;
  avgSalience: string;
  vectors: number;
  waypoints: number;
  lastCreatedAt: number | null;
  config: { embedProvider: string; vecDim: number; decayInterval: number; storage: string };
}

interface Health {
  version: string;
  uptime_seconds: number;
  embedding: { provider: string; dimensions: number; model?: string; model_override?: string | null };
}

interface Maintenance {
  operations: Array<{ hour: string; decay: number; reflection: number; consolidation: number }>;
  totals: { cycles: number; reflections: number; consolidations: number };
}

interface Timeline {
  timeline: Array<{ hour: string; count: number }>;
}

function perDay(rows: Timeline['timeline']): Array<{ label: string; value: number }> {
  const days = new Map<string, number>();
  for (const r of rows) days.set(r.hour, (days.get(r.hour) ?? 0) + r.count);
  return lastDays(30).map((day) => ({ label: day.slice(5), value: days.get(day) ?? 0 }));
}

async function adminSections(): Promise<Node[]> {
  const [users, metrics] = await Promise.all([
    api<{ total: number; users: Array<{ user_id: string | null; memories: number }> }>(
      'GET',
      '/users?l=20&fields=counts',
    ),
    apiText('/metrics'),
  ]);
  const samples = parseMetrics(metrics);
  const figures = requestFigures(samples);
  const models = modelFigures(samples);
  return [
    section(
      `Memories per user (${num(users.total)} users)`,
      bars(users.users.map((u) => ({ label: u.user_id ?? '@default', value: u.memories }))),
    ),
    section(
      'Requests since start-up',
      facts([
        ['Requests', num(figures.total)],
        ['Errors (5xx)', num(figures.errors)],
        ['Mean latency', `${fixed(figures.meanMs, 1)} ms`],
      ]),
      figures.routes.length ? h('h3', null, 'Busiest routes (mean ms)') : null,
      figures.routes.length
        ? bars(figures.routes.slice(0, 8).map((r) => ({ label: r.route, value: Math.round(r.meanMs * 10) / 10 })))
        : null,
    ),
    section(
      'Users held in memory',
      facts([
        ['Users', num(models.users)],
        [
          'Memory used / budget (OM_MODEL_MEMORY_MB)',
          `${fixed(models.usedMb, 1)} / ${num(Math.round(models.budgetMb))} MB`,
        ],
        ['Loads since start-up', num(models.loads)],
        ['Mean load', `${fixed(models.meanLoadMs, 1)} ms`],
        ['Dropped to stay within the budget', num(models.evictions)],
      ]),
    ),
  ];
}

export async function overviewPage(ctx: PageContext): Promise<Node> {
  const user = qs({ user_id: ctx.user });
  const [stats, health, jobs, timeline] = await Promise.all([
    api<Stats>('GET', `/dashboard/stats${user}`),
    api<Health>('GET', '/health'),
    api<Maintenance>('GET', '/dashboard/maintenance?hours=168'),
    api<Timeline>('GET', `/dashboard/sectors/timeline${qs({ user_id: ctx.user, hours: 24 * 30, bucket: 'day' })}`),
  ]);
  const sectors = Object.entries(stats.sectorCounts).map(([label, value]) => ({ label, value }));
  const lastJob = jobs.operations.at(-1);
  return h(
    'div',
    { class: 'grid' },
    section(
      `Memories of ${ctx.user}`,
      facts([
        ['Memories', num(stats.totalMemories)],
        ['Created in the last 24 h', num(stats.recentMemories)],
        ['Average salience', stats.avgSalience],
        ['Links (waypoints)', num(stats.waypoints)],
        ['Last created', when(stats.lastCreatedAt)],
      ]),
      stats.totalMemories === 0
        ? empty('This user has no memories yet: add some through the API, or import a file on Import / export.')
        : bars(sectors),
    ),
    section('New memories per day (30 days)', columns(perDay(timeline.timeline))),
    section(
      'Server',
      facts([
        ['Version', health.version],
        ['Storage', stats.config.storage === 'postgres' ? 'PostgreSQL' : 'SQLite'],
        [
          'Embedder',
          `${health.embedding.provider}${(health.embedding.model ?? health.embedding.model_override) ? ` (${health.embedding.model ?? health.embedding.model_override})` : ''}`,
        ],
        ['Vector dimensions', num(health.embedding.dimensions)],
        ['Up for', `${num(Math.round(health.uptime_seconds / 60))} min`],
      ]),
    ),
    section(
      'Maintenance jobs (7 days)',
      facts([
        ['Decay runs', num(jobs.totals.cycles)],
        ['Reflections', num(jobs.totals.reflections)],
        ['Consolidations', num(jobs.totals.consolidations)],
        ['Last run (UTC hour)', lastJob ? lastJob.hour : 'none yet'],
      ]),
    ),
    ...(ctx.session.role === 'admin' ? await adminSections() : []),
  );
}
