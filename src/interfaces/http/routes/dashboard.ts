/** /dashboard/* — the v1.2 dashboard data, computed inside the caller's user scope. */
import { SECTOR_CONFIGS } from '../../../core/sectors.js';
import { isSector } from '../../../core/types.js';
import { scanMemories } from '../../../features/scan.js';
import { dashboardQuery } from '../../schemas/dashboard.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

const MB = 1024 * 1024;
const HOUR = 3_600_000;

function uptime(startedAt: number) {
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  return { seconds, days: Math.floor(seconds / 86_400), hours: Math.floor((seconds % 86_400) / 3600) };
}

const hourLabel = (ts: number) => `${String(new Date(ts).getUTCHours()).padStart(2, '0')}:00`;
const dayLabel = (ts: number) => new Date(ts).toISOString().slice(0, 10);

/** Salience histogram buckets: [0, 0.1), [0.1, 0.2), ... [0.9, 1]. */
const SALIENCE_BUCKETS = 10;
/** Histograms read at most this many of the user's newest memories (a dashboard must stay quick). */
const HISTOGRAM_SCAN = 10_000;

export function dashboardRoutes({ engine, config, metrics, startedAt }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/dashboard/health',
      summary: 'Process health (public).',
      access: 'public',
      handler: () => {
        const m = process.memoryUsage();
        return {
          memory: {
            heapUsed: Math.round(m.heapUsed / MB),
            heapTotal: Math.round(m.heapTotal / MB),
            rss: Math.round(m.rss / MB),
            external: Math.round(m.external / MB),
          },
          uptime: uptime(startedAt),
          process: { version: process.version, platform: process.platform },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/dashboard/stats',
      summary: "The user's memory statistics (request counters for the admin key only).",
      query: dashboardQuery,
      handler: async ({ query, scope, caller }) => {
        const s = scope(query.user_id);
        const stats = await engine.userStats(s);
        const [top] = await engine.list(s, { limit: 1, order: 'salience_desc' });
        const lambdaSum = stats.sectors.reduce(
          (acc, x) => acc + (isSector(x.sector) ? SECTOR_CONFIGS[x.sector].lambda : 0) * x.count,
          0,
        );
        const m = process.memoryUsage();
        return {
          totalMemories: stats.memories,
          recentMemories: stats.createdLast24h,
          sectorCounts: Object.fromEntries(stats.sectors.map((x) => [x.sector, x.count])),
          avgSalience: stats.avgSalience.toFixed(3),
          decayStats: {
            total: stats.memories,
            avgLambda: (stats.memories ? lambdaSum / stats.memories : 0).toFixed(3),
            maxSalience: (top?.salience ?? 0).toFixed(3),
          },
          vectors: stats.vectors,
          waypoints: stats.waypoints,
          lastCreatedAt: stats.lastCreatedAt,
          requests:
            caller.role === 'admin'
              ? {
                  total: metrics.total,
                  errors: metrics.errors,
                  errorRate: metrics.total ? ((metrics.errors / metrics.total) * 100).toFixed(1) : '0.0',
                  lastHour: metrics.lastHour(),
                }
              : null,
          system: {
            memoryUsage: Math.round(m.rss / MB),
            heapUsed: Math.round(m.heapUsed / MB),
            heapTotal: Math.round(m.heapTotal / MB),
            uptime: uptime(startedAt),
          },
          config: {
            port: config.port,
            vecDim: config.embeddings.dim,
            maxActive: config.engine.maxActiveQueries,
            decayInterval: config.jobs.decayIntervalMinutes,
            embedProvider: config.embeddings.provider,
            storage: config.backend,
          },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/dashboard/activity',
      summary: "The user's most recently changed memories.",
      query: dashboardQuery,
      handler: async ({ query, scope }) => ({
        activities: (await engine.list(scope(query.user_id), { limit: query.limit ?? 50, order: 'updated_desc' })).map(
          (m) => ({
            id: m.id,
            type: m.updated_at > m.created_at ? 'memory_updated' : 'memory_created',
            sector: m.primary_sector,
            content: m.content.length > 100 ? `${m.content.slice(0, 100)}...` : m.content,
            salience: m.salience,
            timestamp: m.updated_at,
          }),
        ),
      }),
    }),
    route({
      method: 'GET',
      path: '/dashboard/sectors/timeline',
      summary: "The user's new memories per sector and UTC hour.",
      query: dashboardQuery,
      handler: async ({ query, scope }) => {
        const since = Date.now() - (query.hours ?? 24) * HOUR;
        const label = query.bucket === 'day' ? dayLabel : hourLabel;
        const recent = await scanMemories(engine, scope(query.user_id), { createdFrom: since }, () => true);
        const counts = new Map<string, { primary_sector: string; hour: string; count: number }>();
        for (const m of recent) {
          const key = `${m.primary_sector}|${label(m.created_at)}`;
          const row = counts.get(key) ?? { primary_sector: m.primary_sector, hour: label(m.created_at), count: 0 };
          row.count += 1;
          counts.set(key, row);
        }
        return {
          timeline: [...counts.values()].sort(
            (a, b) => a.hour.localeCompare(b.hour) || a.primary_sector.localeCompare(b.primary_sector),
          ),
        };
      },
    }),
    route({
      method: 'GET',
      path: '/dashboard/salience',
      summary: "Histogram of the salience of the user's newest memories (at most 10,000), in ten buckets from 0 to 1.",
      query: dashboardQuery,
      handler: async ({ query, scope }) => {
        const buckets = new Array<number>(SALIENCE_BUCKETS).fill(0);
        const scanned = await scanMemories(engine, scope(query.user_id), {}, () => true, { maxScan: HISTOGRAM_SCAN });
        for (const m of scanned)
          buckets[Math.min(SALIENCE_BUCKETS - 1, Math.floor(m.salience * SALIENCE_BUCKETS))]! += 1;
        return { buckets, scanned: scanned.length };
      },
    }),
    route({
      method: 'GET',
      path: '/dashboard/top-memories',
      summary: "The user's most salient memories.",
      query: dashboardQuery,
      handler: async ({ query, scope }) => ({
        memories: (await engine.list(scope(query.user_id), { limit: query.limit ?? 10, order: 'salience_desc' })).map(
          (m) => ({
            id: m.id,
            content: m.content,
            sector: m.primary_sector,
            salience: m.salience,
            lastSeen: m.last_seen_at,
          }),
        ),
      }),
    }),
    route({
      method: 'GET',
      path: '/dashboard/maintenance',
      summary: "What maintenance did to the user's memories per hour (the admin without user_id: every user's).",
      query: dashboardQuery,
      handler: async ({ query, scope, caller }) => {
        const since = Date.now() - (query.hours ?? 24) * HOUR;
        // Counters of reinforcements and decayed memories are the user's data: a user key sees its own only.
        const everyone = caller.role === 'admin' && query.user_id === undefined;
        const rows = everyone
          ? await engine.adminUserJobStats(since)
          : await engine.userJobStats(scope(query.user_id), since);
        const byHour = new Map<string, { hour: string; decay: number; reflection: number; consolidation: number }>();
        for (const r of rows) {
          const hour = hourLabel(r.ts);
          const op = byHour.get(hour) ?? { hour, decay: 0, reflection: 0, consolidation: 0 };
          if (r.type === 'decay') op.decay += r.count;
          else if (r.type === 'reflect') op.reflection += r.count;
          else if (r.type === 'consolidate') op.consolidation += r.count;
          byHour.set(hour, op);
        }
        const operations = [...byHour.values()].sort((a, b) => a.hour.localeCompare(b.hour));
        const sum = (k: 'decay' | 'reflection' | 'consolidation') => operations.reduce((acc, o) => acc + o[k], 0);
        const cycles = sum('decay');
        const reflections = sum('reflection');
        const consolidations = sum('consolidation');
        const efficiency = cycles ? Math.round(((reflections + consolidations) / cycles) * 100) : 0;
        return { operations, totals: { cycles, reflections, consolidations, efficiency } };
      },
    }),
  ];
}
