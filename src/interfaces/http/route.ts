/**
 * Declarative routes: each names its zod schemas and access level once; the same declaration
 * validates requests, authenticates, rate-limits and feeds /openapi.json.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { OmError, validationError } from '../../errors.js';
import { storedUserScope, type UserScope } from '../../store/scope.js';
import { authenticate, requireAdmin, resolveScope, type Caller } from './auth.js';
import { readJsonBody } from './body.js';
import { nodeRequest, type AppDeps, type AppEnv } from './context.js';

export type Access = 'public' | 'user' | 'admin';
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HandlerArgs<B, Q, P> {
  c: Context<AppEnv>;
  body: B;
  query: Q;
  params: P;
  caller: Caller;
  /** The scope for a user id the request names (undefined = none named). */
  scope: (requested: string | null | undefined) => UserScope;
  /**
   * The scope to act on memory `id` in: the admin key naming no user acts on the memory wherever
   * it lives, as v1.2's one shared key did (an explicit admin lookup of its owner); any other
   * caller, or a named user, as {@link scope}.
   */
  memoryScope: (requested: string | null | undefined, id: string) => Promise<UserScope>;
}

export interface RouteSpec<B = unknown, Q = unknown, P = unknown, R = unknown> {
  method: Method;
  path: string;
  summary: string;
  /** Longer notes for /openapi.json (limits, side effects). */
  description?: string;
  /** Default `user`: any valid key (or none when no key is configured). */
  access?: Access;
  /** Liveness probes must answer while a client is limited: false leaves the route out of the rate limit. */
  rateLimited?: boolean;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** The shape of a 200 answer, for /openapi.json; the handler must return it. */
  response?: z.ZodType<R>;
  /** Default `application/json`. */
  responseType?: string;
  /**
   * Returns the JSON body of a 200 answer, or a complete Response. A method, so that a list of
   * routes of different shapes is a `RouteSpec[]` (each parses its own body before calling it).
   */
  handler(args: HandlerArgs<B, Q, P>): NoInfer<R> | Response | Promise<NoInfer<R> | Response>;
}

/** Keeps handler argument types inferred from the schemas, and its result checked against `response`. */
export const route = <B = Record<string, never>, Q = Record<string, never>, P = Record<string, never>, R = unknown>(
  spec: RouteSpec<B, Q, P, R>,
) => spec;

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return {} as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const message = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : where}: ${i.message}`)
    .join('; ');
  throw validationError(message, { in: where });
}

const PUBLIC: Caller = { role: 'public', keyId: null };

function clientAddress(c: Context<AppEnv>): string {
  return nodeRequest(c)?.socket?.remoteAddress ?? 'local';
}

function applyRateLimit(c: Context<AppEnv>, deps: AppDeps, client: string): void {
  if (!deps.limiter) return;
  const d = deps.limiter.hit(client);
  c.header('RateLimit-Limit', String(d.limit));
  c.header('RateLimit-Remaining', String(d.remaining));
  c.header('RateLimit-Reset', String(d.resetSeconds));
  if (!d.allowed) {
    c.header('Retry-After', String(d.resetSeconds));
    const message = `too many requests; retry in ${d.resetSeconds} s`;
    throw new OmError('rate_limit_exceeded', message, { retry_after: d.resetSeconds });
  }
}

/**
 * Authenticates a request and counts it against its client's rate limit (the key, or the address
 * without one). Failed attempts count against the address, so guessing keys is limited too.
 */
export async function authorize(
  c: Context<AppEnv>,
  deps: AppDeps,
  access: Access,
  rateLimited = true,
): Promise<Caller> {
  const address = `ip:${clientAddress(c)}`;
  let caller: Caller;
  try {
    caller = access === 'public' ? PUBLIC : await authenticate(c.req.raw.headers, deps.config, deps.keys);
  } catch (err) {
    applyRateLimit(c, deps, address);
    throw err;
  }
  if (access === 'admin') requireAdmin(caller);
  if (rateLimited) applyRateLimit(c, deps, caller.keyId ? `key:${caller.keyId}` : address);
  return caller;
}

/** `/memory/:id{<pattern>}` → `/memory/:id`: the route as metrics, logs and OpenAPI name it. */
export const routeName = (path: string) => path.replace(/:(\w+)\{[^/]*\}/g, ':$1');

function pathPattern(path: string): RegExp {
  const segments = path.split('/').map((s) => {
    const param = /^:\w+(?:\{(.*)\})?$/.exec(s);
    if (param) return param[1] ? `(?:${param[1]})` : '[^/]+';
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * The methods the routes serve at a path, for the 405 of a path that exists under another method
 * (empty: no route has this path). HEAD is served wherever GET is.
 */
export function methodsAt(specs: Array<Pick<RouteSpec, 'method' | 'path'>>): (path: string) => string[] {
  const patterns = specs.map((s) => ({ method: s.method, pattern: pathPattern(s.path) }));
  return (path) => {
    const methods = new Set(patterns.filter((p) => p.pattern.test(path)).map((p) => p.method));
    return ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'].filter((m) => methods.has(m === 'HEAD' ? 'GET' : (m as Method)));
  };
}

export function mountRoutes(app: Hono<AppEnv>, deps: AppDeps, specs: RouteSpec[]): void {
  for (const spec of specs) {
    const name = routeName(spec.path);
    app.on(spec.method, spec.path, async (c) => {
      c.set('route', name);
      const caller = await authorize(c, deps, spec.access ?? 'user', spec.rateLimited ?? true);
      const params = parse(spec.params, c.req.param(), 'path');
      const query = parse(spec.query, c.req.query(), 'query');
      const body = spec.body ? parse(spec.body, await readJsonBody(c, deps.config.maxPayloadBytes), 'body') : {};
      const scope = (requested: string | null | undefined) => resolveScope(caller, requested);
      const memoryScope = async (requested: string | null | undefined, id: string) => {
        if (caller.role === 'admin' && requested === undefined) {
          const owner = await deps.engine.adminMemoryOwner(id);
          if (owner !== undefined) return storedUserScope(owner);
        }
        return scope(requested);
      };
      const out = await spec.handler({ c, body, query, params, caller, scope, memoryScope });
      return out instanceof Response ? out : c.json(out ?? { ok: true });
    });
  }
}
