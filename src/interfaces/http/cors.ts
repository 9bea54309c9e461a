/**
 * CORS for any origin (the API authenticates by key, never by cookie). Its headers are set
 * before the response exists, so they are written with it: Hono's own middleware sets them on a
 * placeholder response and copies them over, which builds every response twice.
 */
import type { Context, Next } from 'hono';

const ALLOW_METHODS = 'GET,POST,PUT,PATCH,DELETE,OPTIONS';
const ALLOW_HEADERS = 'Content-Type,Authorization,x-api-key,x-request-id';
const EXPOSE_HEADERS = 'x-request-id,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,Retry-After';

export async function cors(c: Context, next: Next): Promise<Response | void> {
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  if (c.req.method !== 'OPTIONS') return next();
  // A preflight: answered here, before authentication (browsers send no key with it).
  c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
  c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
  c.header('Vary', 'Access-Control-Request-Headers');
  return c.body(null, 204);
}
