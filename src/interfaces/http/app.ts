/**
 * The HTTP application: request ids and JSON logs, CORS, the route table, one error funnel.
 * Built in-process (tests call `app.request()`); `server.ts` puts it on a socket.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { Config } from '../../config.js';
import type { MemoryEngine } from '../../engine/api.js';
import { Compressor } from '../../features/compression/compressor.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits } from '../../features/ingest/fetch-url.js';
import { LangGraphMemory } from '../../features/lgm/lgm.js';
import { createLogger, type Logger } from '../../log.js';
import type { KeyStore } from './auth.js';
import type { AppDeps, AppEnv } from './context.js';
import { mcpHttpApp } from '../mcp/http.js';
import { cors } from './cors.js';
import { errorReply } from './errors.js';
import { hostGuard } from './host-guard.js';
import { HttpMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import { mountRoutes, type RouteSpec } from './route.js';
import { adminRoutes } from './routes/admin.js';
import { compressionRoutes } from './routes/compression.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { ideRoutes } from './routes/ide.js';
import { ingestRoutes } from './routes/ingest.js';
import { lgmRoutes } from './routes/lgm.js';
import { memoryRoutes } from './routes/memory.js';
import { systemRoutes, VERSION } from './routes/system.js';
import { temporalRoutes } from './routes/temporal.js';
import { userRoutes } from './routes/users.js';

export interface AppOptions {
  engine: MemoryEngine;
  keys: KeyStore;
  config: Readonly<Config>;
  log?: Logger;
  fetchLimits?: FetchLimits;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createApp(options: AppOptions): { app: Hono<AppEnv>; deps: AppDeps } {
  const { config } = options;
  const deps: AppDeps = {
    engine: options.engine,
    keys: options.keys,
    config,
    log: options.log ?? createLogger(config.logLevel),
    metrics: new HttpMetrics(),
    compressor: new Compressor(),
    lgm: new LangGraphMemory(options.engine, { ...config.lgm, mode: config.mode }),
    fetchLimits: options.fetchLimits ?? DEFAULT_FETCH_LIMITS,
    startedAt: Date.now(),
  };
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('route', 'unmatched');
    // Set before the response exists, so it is written with it instead of rebuilding it afterwards.
    c.header('x-request-id', requestId);
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.get('route');
    deps.metrics.observe(c.req.method, route, c.res.status, seconds);
    deps.log.info('request', { request_id: requestId, method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000) });
  });
  app.use('*', cors);

  const guard = hostGuard(config);
  if (guard) app.use('*', guard);

  const specs: RouteSpec[] = [];
  const openapi = () => openApiDocument(specs, VERSION);
  specs.push(
    ...systemRoutes(deps, openapi),
    ...memoryRoutes(deps),
    ...ingestRoutes(deps),
    ...userRoutes(deps),
    ...dashboardRoutes(deps),
    ...ideRoutes(deps),
    ...compressionRoutes(deps),
    ...lgmRoutes(deps),
    ...temporalRoutes(deps),
    ...adminRoutes(deps),
  );
  const limiter = config.rateLimit.enabled ? new RateLimiter(config.rateLimit.max, config.rateLimit.windowMs) : null;
  mountRoutes(app, deps, specs, limiter);
  // MCP over streamable HTTP (src/interfaces/mcp/http.ts), behind the same keys.
  app.route('/mcp', mcpHttpApp(deps));

  app.notFound((c) => c.json({ error: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => {
    const reply = errorReply(err, c.get('requestId') ?? 'unknown', deps.log);
    return c.json(reply.body, reply.status as 400);
  });
  return { app, deps };
}
