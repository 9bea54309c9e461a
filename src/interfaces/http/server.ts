/**
 * Puts the app on a socket and shuts it down gracefully: stop accepting, let in-flight requests
 * finish (bounded), then close the engine (which stops its jobs and the store).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from '../../config.js';
import type { MemoryEngine } from '../../engine/api.js';
import type { Logger } from '../../log.js';
import { createApp } from './app.js';
import { checkBind, type KeyStore } from './auth.js';

export interface RunningServer {
  url: string;
  port: number;
  /** Graceful stop; safe to call twice. */
  close(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 10_000;

export async function startServer(options: {
  config: Readonly<Config>;
  engine: MemoryEngine;
  keys: KeyStore;
  log: Logger;
}): Promise<RunningServer> {
  const { config, engine, log } = options;
  checkBind(config);
  if (config.apiKey === null && config.corsOrigins === '*') {
    log.warn('OM_CORS_ORIGINS=* without OM_API_KEY: every web page the user opens may use this server as admin');
  }
  const { app, deps } = createApp(options);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  server.on('error', (err) => log.error('http server error', { error: err }));
  // A client that half-closes its connection after a complete request still gets the answer
  // (Node otherwise closes at once, and a write it already received would go unanswered).
  (server as { httpAllowHalfOpen?: boolean }).httpAllowHalfOpen = true;
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      log.info('shutting down: draining requests');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets become idle as their last response ends; close them as they do.
      const sweep = setInterval(() => {
        if ('closeIdleConnections' in server) server.closeIdleConnections();
      }, 50);
      const timer = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, DRAIN_TIMEOUT_MS);
      await drained;
      clearInterval(sweep);
      clearTimeout(timer);
      await deps.parser.close();
      await engine.close();
      log.info('stopped');
    })());
  return { url: `http://${host}:${port}`, port, close };
}
