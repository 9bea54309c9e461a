/** /health, /sectors, /metrics and /openapi.json. */
import type { Config } from '../../../config.js';
import { SECTOR_CONFIGS } from '../../../core/sectors.js';
import { SECTORS } from '../../../core/types.js';
import type { EmbedMetricsSnapshot, ProviderMetricsSnapshot } from '../../../embed/metrics.js';
import type { ModelStats } from '../../../store/store.js';
import type { AppDeps } from '../context.js';
import type { Gauge } from '../metrics.js';
import { route, type RouteSpec } from '../route.js';
import { userQuery } from '../../schemas/memory.js';

export const VERSION = '2.0-hsg-tiered';

function embeddingInfo(e: Config['embeddings']) {
  const configured = {
    synthetic: true,
    openai: e.openai.apiKey !== null,
    gemini: e.gemini.apiKey !== null,
    ollama: true,
    aws: e.aws.accessKeyId !== null && e.aws.secretAccessKey !== null,
    local: true,
  }[e.provider];
  return {
    provider: e.provider,
    dimensions: e.dim,
    mode: e.mode,
    batch_support: e.provider === 'openai' || e.provider === 'gemini',
    advanced_parallel: e.concurrency > 1,
    embed_delay_ms: 0,
    configured,
    ...(e.provider === 'synthetic' ? { type: 'synthetic' } : {}),
    // Names, never URLs: this route is public, and a provider's address tells where keys are sent.
    ...(e.provider === 'openai' ? { model_override: e.openai.model } : {}),
    ...(e.provider === 'ollama' ? { model: e.ollama.model } : {}),
  };
}

/** The embedder's counters per provider (values since start-up; they only grow). */
const EMBEDDING_SERIES: Array<[string, string, keyof ProviderMetricsSnapshot, number]> = [
  ['om_embed_calls', 'Embedding batches sent to the provider (retries included in one call).', 'calls', 1],
  ['om_embed_texts', 'Texts embedded by the provider.', 'texts', 1],
  ['om_embed_errors', 'Embedding calls that failed for good.', 'errors', 1],
  ['om_embed_requests', 'HTTP requests to the provider.', 'requests', 1],
  ['om_embed_failed_requests', 'HTTP requests to the provider that failed (some then retried).', 'failedRequests', 1],
  ['om_embed_retries', 'Retried provider requests.', 'retries', 1],
  ['om_embed_cache_hits', 'Texts answered from the embedding cache.', 'cacheHits', 1],
  ['om_embed_cache_misses', 'Texts the embedding cache did not hold.', 'cacheMisses', 1],
  ['om_embed_request_seconds_total', 'Time spent in provider requests.', 'latencyMsTotal', 1 / 1000],
  ['om_embed_request_seconds_max', 'Slowest provider request.', 'latencyMsMax', 1 / 1000],
];

function embeddingGauges(snapshot: EmbedMetricsSnapshot): Gauge[] {
  const providers = Object.entries(snapshot);
  if (providers.length === 0) return [];
  return EMBEDDING_SERIES.map(([name, help, field, scale]) => ({
    name,
    help,
    samples: providers.map(([provider, m]) => ({ labels: { provider }, value: m[field] * scale })),
  }));
}

/** The process's memory, and the part of it the engine's user models are estimated to hold. */
function processGauges(models: ModelStats): Gauge[] {
  const gauge = (name: string, help: string, value: number): Gauge => ({
    name,
    help,
    samples: [{ labels: {}, value }],
  });
  return [
    gauge(
      'om_process_resident_bytes',
      'Resident memory of the server process (every thread).',
      process.memoryUsage.rss(),
    ),
    gauge('om_user_models', 'Users whose memories the engine holds in memory.', models.users),
    gauge('om_user_model_bytes', 'Estimated bytes those user models hold.', models.bytes),
    gauge('om_user_model_budget_bytes', 'Bytes the user models may hold (OM_MODEL_MEMORY_MB).', models.budgetBytes),
    gauge('om_user_model_loads', 'User models loaded whole from the database since start-up.', models.loads),
    gauge(
      'om_user_model_load_seconds_total',
      'Time those loads took: reading, and building in slices (not the work run between them).',
      models.loadMs / 1000,
    ),
    gauge('om_user_model_load_seconds_max', 'Slowest of those loads.', models.loadMsMax / 1000),
    gauge('om_user_model_evictions', 'User models dropped to stay within the budget since start-up.', models.evictions),
  ];
}

export function systemRoutes({ engine, config, metrics, startedAt }: AppDeps, openapi: () => unknown): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/health',
      summary: 'Liveness and embedding configuration (not rate-limited).',
      access: 'public',
      rateLimited: false,
      handler: () => ({
        ok: true,
        version: VERSION,
        embedding: embeddingInfo(config.embeddings),
        tier: 'hybrid',
        dim: config.embeddings.dim,
        cache: config.embeddings.cacheSize,
        expected: { recall: 98, qps: '700-800', ram: '0.5gb/10k', use: 'For high accuracy' },
        uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      }),
    }),
    route({
      method: 'GET',
      path: '/sectors',
      summary: "Sector definitions and the user's per-sector statistics.",
      query: userQuery,
      handler: async ({ query, scope }) => {
        const stats = await engine.userStats(scope(query.user_id));
        return {
          sectors: [...SECTORS],
          configs: Object.fromEntries(
            SECTORS.map((s) => [
              s,
              {
                model: SECTOR_CONFIGS[s].model,
                decay_lambda: SECTOR_CONFIGS[s].lambda,
                weight: SECTOR_CONFIGS[s].weight,
                patterns: SECTOR_CONFIGS[s].cues.map((c) => c.pattern.source),
              },
            ]),
          ),
          stats: stats.sectors.map((s) => ({ sector: s.sector, count: s.count, avg_salience: s.avgSalience })),
        };
      },
    }),
    route({
      method: 'GET',
      path: '/metrics',
      summary: 'Admin: Prometheus metrics (requests, latency, memories per sector, jobs, embedding calls).',
      access: 'admin',
      responseType: 'text/plain',
      handler: async ({ c }) => {
        const sectors = await engine.adminSectorStats();
        const jobs = new Map<string, { runs: number; items: number }>();
        for (const row of await engine.jobStats(startedAt)) {
          const j = jobs.get(row.type) ?? { runs: 0, items: 0 };
          j.runs += 1;
          j.items += row.count;
          jobs.set(row.type, j);
        }
        const text = metrics.render([
          {
            name: 'om_memories',
            help: 'Memories per primary sector (all users).',
            samples: sectors.map((s) => ({ labels: { sector: s.sector }, value: s.count })),
          },
          {
            name: 'om_job_runs',
            help: 'Maintenance job runs recorded since start-up, by type.',
            samples: [...jobs].map(([type, j]) => ({ labels: { type }, value: j.runs })),
          },
          {
            name: 'om_job_items',
            help: 'Items processed by maintenance jobs since start-up, by type.',
            samples: [...jobs].map(([type, j]) => ({ labels: { type }, value: j.items })),
          },
          {
            name: 'om_uptime_seconds',
            help: 'Seconds since the server started.',
            samples: [{ labels: {}, value: Math.round((Date.now() - startedAt) / 1000) }],
          },
          ...embeddingGauges(await engine.embeddingMetrics()),
          ...processGauges(await engine.modelStats()),
        ]);
        return c.text(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      },
    }),
    route({
      method: 'GET',
      path: '/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document.',
      access: 'public',
      handler: openapi,
    }),
  ];
}
