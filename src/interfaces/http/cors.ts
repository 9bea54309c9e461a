/**
 * What pages of other origins may do. Replies carry CORS headers only for the origins listed in
 * OM_CORS_ORIGINS (none by default), so a browser lets no other page read them. Without
 * OM_API_KEY every caller is admin, and hiding replies is not enough: a page can still write
 * (a simple POST needs no preflight) or open a URL. So a request the browser marks as coming from
 * another site — an `Origin` neither listed nor this server's own, or `Sec-Fetch-Site:
 * cross-site|same-site` — is refused outright; pages served by this server (same origin) still
 * work. With a key, such a request still needs the key. The headers are set before the response
 * exists, so they are written with it (Hono's middleware would build every response twice).
 */
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config.js';
import type { AppEnv } from './context.js';
import { OmError } from '../../errors.js';

const ALLOW_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';
const ALLOW_HEADERS = 'Content-Type,Authorization,x-api-key,x-request-id';
const EXPOSE_HEADERS = 'x-request-id,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,Retry-After';

/** Whether the browser says the request comes from a page of another origin than the one it is sent to. */
function fromOtherOrigin(origin: string | undefined, fetchSite: string | undefined, host: string): boolean {
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true;
  if (origin === undefined) return false;
  // `Origin: null` (sandboxed frames, file: pages) is never this server.
  return !URL.canParse(origin) || new URL(origin).host !== host.trim().toLowerCase();
}

export function originPolicy(config: Readonly<Config>): MiddlewareHandler<AppEnv> {
  const listed = config.corsOrigins;
  const keyless = config.apiKey === null;
  return async (c, next) => {
    const origin = c.req.header('origin');
    const preflight = c.req.method === 'OPTIONS';
    const corsAllowed = origin !== undefined && (listed === '*' || listed.includes(origin));
    if (listed.length > 0) c.header('Vary', 'Origin');
    if (!corsAllowed && (keyless || preflight)) {
      const host = c.req.header('host') ?? new URL(c.req.url).host;
      if (fromOtherOrigin(origin, c.req.header('sec-fetch-site'), host)) {
        // The same answer on every path, so a preflight tells nothing about the routes.
        throw new OmError(
          'cross_origin_forbidden',
          keyless
            ? 'requests from pages of other origins are refused without OM_API_KEY (list trusted ones in OM_CORS_ORIGINS)'
            : 'this origin is not in OM_CORS_ORIGINS',
        );
      }
    }
    if (corsAllowed) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    if (!preflight) return next();
    // A preflight is answered here, before authentication (browsers send no key with it).
    if (corsAllowed) {
      c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
      c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
      c.header('Access-Control-Max-Age', '600');
      c.header('Vary', 'Origin, Access-Control-Request-Headers');
    }
    return c.body(null, 204);
  };
}
