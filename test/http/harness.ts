/**
 * An HTTP app over a real engine on a fresh SQLite file or PostgreSQL schema, driven in-process
 * through `app.request()`; `listen()` puts the same app on an ephemeral port.
 */
import { loadConfig } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { createApp } from '../../src/interfaces/http/app.js';
import { startServer, type RunningServer } from '../../src/interfaces/http/server.js';
import { createLogger } from '../../src/log.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export type Backend = 'sqlite' | 'postgres';

export interface Harness {
  memory: Memory;
  /** JSON request; `key` = API key (Bearer), `body` is JSON-encoded unless a string. */
  call(
    method: string,
    path: string,
    opts?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  app: ReturnType<typeof createApp>['app'];
  close(): Promise<void>;
}

export async function openHarness(backend: Backend = 'sqlite', env: Record<string, string> = {}): Promise<Harness> {
  const tmp = tmpDir('om-http-');
  const pg = backend === 'postgres' ? await freshPgSchema('http') : null;
  const config = loadConfig({
    OM_DB_PATH: `${tmp.dir}/om.sqlite`,
    OM_API_KEY: ADMIN_KEY,
    OM_LOG_LEVEL: 'silent',
    ...(pg ? { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema } : {}),
    ...env,
  });
  const memory = await Memory.open({ config, jobs: false, logger: createLogger('silent') });
  const { app } = createApp({
    engine: memory,
    keys: memory.store,
    config,
    fetchLimits: { maxBytes: 64_000, timeoutMs: 2_000 },
  });
  return {
    memory,
    app,
    async call(method, path, opts = {}) {
      const key = opts.key === undefined ? ADMIN_KEY : opts.key;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...opts.headers,
      };
      const body =
        opts.body === undefined || method === 'GET'
          ? undefined
          : typeof opts.body === 'string'
            ? opts.body
            : JSON.stringify(opts.body);
      const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // non-JSON bodies (metrics) stay text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await memory.close();
      await pg?.drop();
      tmp.cleanup();
    },
  };
}

/** The same engine configuration served on an ephemeral loopback port (SDK and URL tests). */
export async function listen(
  env: Record<string, string> = {},
): Promise<{ server: RunningServer; close: () => Promise<void> }> {
  const tmp = tmpDir('om-http-srv-');
  const config = loadConfig({ OM_DB_PATH: `${tmp.dir}/om.sqlite`, OM_PORT: '0', OM_LOG_LEVEL: 'silent', ...env });
  const log = createLogger('silent');
  const memory = await Memory.open({ config, jobs: false, logger: log });
  const server = await startServer({ config, engine: memory, keys: memory.store, log });
  return {
    server,
    close: async () => {
      await server.close();
      tmp.cleanup();
    },
  };
}
