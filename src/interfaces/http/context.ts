/** What every route handler can reach: the engine, configuration, and per-server services. */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { Config } from '../../config.js';
import type { MemoryEngine } from '../../engine/api.js';
import type { Compressor } from '../../features/compression/compressor.js';
import type { FetchLimits } from '../../features/ingest/fetch-url.js';
import type { DocumentParser } from '../../features/ingest/parser.js';
import type { LangGraphMemory } from '../../features/lgm/lgm.js';
import type { Logger } from '../../log.js';
import type { KeyStore } from './auth.js';
import type { HttpMetrics } from './metrics.js';
import type { RateLimiter } from './rate-limit.js';

export interface AppDeps {
  engine: MemoryEngine;
  keys: KeyStore;
  config: Readonly<Config>;
  log: Logger;
  metrics: HttpMetrics;
  compressor: Compressor;
  lgm: LangGraphMemory;
  fetchLimits: FetchLimits;
  /** Null when OM_RATE_LIMIT_ENABLED is off. */
  limiter: RateLimiter | null;
  /** Converts documents in child processes, within the ingestion limits. */
  parser: DocumentParser;
  startedAt: number;
}

export interface AppEnv {
  Variables: { requestId: string; route: string };
}

/** The Node request behind a request served by the Node server (absent for in-process `app.request()`). */
export function nodeRequest(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}
