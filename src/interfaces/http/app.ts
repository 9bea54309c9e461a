/**
 * The HTTP application: request ids and JSON logs, the origin policy (CORS, cross-site refusal),
 * the Host guard, JSON-only writes, the route table, one error funnel.
 * Built in-process (tests call `app.request()`); `server.ts` puts it on a socket.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Config } from '../../config.js';
import { OmError } from '../../errors.js';
import type { MemoryEngine } from '../../engine/api.js';
import { Compressor } from '../../features/compression/compressor.js';
import { DEFAULT_FETCH_LIMITS, type FetchLimits } from '../../features/ingest/fetch-url.js';
import { DocumentParser } from '../../features/ingest/parser.js';
import { LangGraphMemory } from '../../features/lgm/lgm.js';
import { createLogger, type Logger } from '../../log.js';
import type { KeyStore } from './auth.js';
import type { AppDeps, AppEnv } from './context.js';
import { mcpHttpApp } from '../mcp/http.js';
import { mountWeb } from '../web/serve.js';
import { jsonWrites } from './body.js';
import { originPolicy } from './cors.js';
import { errorReply } from './errors.js';
import { hostGuard } from './host-guard.js';
import { HttpMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import { methodsAt, mountRoutes, type RouteSpec } from './route.js';
import { adminRoutes } from './routes/admin.js';
import { compressionRoutes } from './routes/compression.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { ideRoutes } from './routes/ide.js';
import { ingestRoutes } from './routes/ingest.js';
import { lgmRoutes } from './routes/lgm.js';
import { memoryRoutes } from './routes/memory.js';
import { systemRoutes, VERSION } from './routes/system.js';
import { transferRoutes } from './routes/transfer.js';
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
    // A fetched page is a document like an uploaded one: the same size limit.
    fetchLimits: options.fetchLimits ?? { ...DEFAULT_FETCH_LIMITS, maxBytes: config.ingest.maxBytes },
    parser: new DocumentParser(config.ingest),
    limiter: config.rateLimit.enabled ? new RateLimiter(config.rateLimit.max, config.rateLimit.windowMs) : null,
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
    deps.log.info('request', {
      request_id: requestId,
      method: c.req.method,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 1000),
    });
  });
  app.use('*', originPolicy(config));
  const guard = hostGuard(config);
  if (guard) app.use('*', guard);
  app.use('*', jsonWrites);

  const specs: RouteSpec[] = [];
  const openapi = () => openApiDocument(specs, VERSION, config.maxPayloadBytes);
  specs.push(
    ...systemRoutes(deps, openapi),
    ...memoryRoutes(deps),
    ...ingestRoutes(deps),
    ...userRoutes(deps),
    ...transferRoutes(deps),
    ...dashboardRoutes(deps),
    ...ideRoutes(deps),
    ...compressionRoutes(deps),
    ...lgmRoutes(deps),
    ...temporalRoutes(deps),
    ...adminRoutes(deps),
  );
  mountRoutes(app, deps, specs);
  // MCP over streamable HTTP (src/interfaces/mcp/http.ts), behind the same keys and rate limit.
  app.route('/mcp', mcpHttpApp(deps));
  // The dashboard page and its two files (src/interfaces/web).
  mountWeb(app);

  const answer = (c: Context<AppEnv>, err: unknown) => {
    const reply = errorReply(err, c.get('requestId') ?? 'unknown', deps.log);
    return c.json(reply.body, reply.status as 400);
  };
  const allowed = methodsAt([...specs, { method: 'POST', path: '/mcp' }]);
  app.notFound((c) => {
    const request = `${c.req.method} ${c.req.path}`;
    const methods = allowed(c.req.path);
    if (methods.length === 0) return answer(c, new OmError('not_found', `no route ${request}`));
    c.header('Allow', methods.join(', '));
    return answer(c, new OmError('method_not_allowed', `no route ${request}; this path takes ${methods.join(', ')}`));
  });
  app.onError((err, c) => answer(c, err));
  return { app, deps };
}
