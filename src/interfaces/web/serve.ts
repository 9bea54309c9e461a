/**
 * The dashboard: one HTML page, its script and its stylesheet, served by the API server itself
 * (same origin, so the page calls the API without CORS). `npm run build` bundles the client
 * (./client, see scripts/build-web.mjs) into dist/interfaces/web/assets; nothing comes from
 * elsewhere, so it works offline. The page may run no inline script and load nothing from
 * another origin, and no other site may frame it.
 */
import { readFileSync } from 'node:fs';
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/context.js';

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // Revalidated on every load: an upgraded server serves its own client at once.
  'cache-control': 'no-cache',
};

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** Built files sit beside the compiled module; run from the sources (tsx), they are in dist. */
function assetsDir(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('../../../dist/interfaces/web/assets/', import.meta.url)
    : new URL('./assets/', import.meta.url);
}

const cache = new Map<string, Buffer | null>();

function asset(name: string): Buffer | null {
  if (!cache.has(name)) {
    let data: Buffer | null = null;
    try {
      data = readFileSync(new URL(name, assetsDir()));
    } catch {
      // Not built: answered below with what to do.
    }
    cache.set(name, data);
  }
  return cache.get(name)!;
}

function serveAsset(c: Context<AppEnv>, name: string): Response {
  c.set('route', name === 'index.html' ? '/' : `/ui/${name}`);
  const data = asset(name);
  if (!data) {
    return c.text(
      'The dashboard is not built: run `npm run build` (or `npm install`), then restart the server.',
      503,
      SECURITY_HEADERS,
    );
  }
  return c.body(new Uint8Array(data), 200, { ...SECURITY_HEADERS, 'content-type': ASSETS[name]! });
}

export function mountWeb(app: Hono<AppEnv>): void {
  app.get('/', (c) => serveAsset(c, 'index.html'));
  for (const alias of ['/dashboard', '/ui']) {
    app.get(alias, (c) => {
      c.set('route', alias);
      return c.redirect('/', 302);
    });
  }
  for (const name of ['app.js', 'app.css']) app.get(`/ui/${name}`, (c) => serveAsset(c, name));
}
