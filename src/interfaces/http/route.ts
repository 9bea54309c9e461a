/**
 * Declarative routes: each names its zod schemas and access level once; the same declaration
 * validates requests, authenticates, rate-limits and feeds /openapi.json.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { validationError } from '../../errors.js';
import { storedUserScope, type UserScope } from '../../store/scope.js';
import { authenticate, requireAdmin, resolveScope, type Caller } from './auth.js';
import { readJsonBody } from './body.js';
import { nodeRequest, type AppDeps, type AppEnv } from './context.js';
import { WireError } from './errors.js';
import type { RateLimiter } from './rate-limit.js';

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

export interface RouteSpec<B = any, Q = any, P = any> {
  method: Method;
  path: string;
  summary: string;
  /** Default `user`: any valid key (or none when no key is configured). */
  access?: Access;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Returns the JSON body of a 200 answer, or a complete Response. */
  handler: (args: HandlerArgs<B, Q, P>) => unknown;
}

/** Keeps handler argument types inferred from the schemas. */
export const route = <B = Record<string, never>, Q = Record<string, never>, P = Record<string, never>>(spec: RouteSpec<B, Q, P>) => spec;

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

function applyRateLimit(c: Context<AppEnv>, limiter: RateLimiter, client: string): void {
  const d = limiter.hit(client);
  c.header('RateLimit-Limit', String(d.limit));
  c.header('RateLimit-Remaining', String(d.remaining));
  c.header('RateLimit-Reset', String(d.resetSeconds));
  if (!d.allowed) {
    c.header('Retry-After', String(d.resetSeconds));
    throw new WireError('rate_limited', 'rate_limit_exceeded', `too many requests; retry in ${d.resetSeconds} s`, {
      retry_after: d.resetSeconds,
    });
  }
}

export function mountRoutes(app: Hono<AppEnv>, deps: AppDeps, specs: RouteSpec[], limiter: RateLimiter | null): void {
  for (const spec of specs) {
    app.on(spec.method, spec.path, async (c) => {
      c.set('route', spec.path);
      const access = spec.access ?? 'user';
      let caller: Caller;
      try {
        caller = access === 'public' ? PUBLIC : await authenticate(c.req.raw.headers, deps.config, deps.keys);
      } catch (err) {
        // Failed attempts count against the address, so guessing keys is rate-limited too.
        if (limiter) applyRateLimit(c, limiter, `ip:${clientAddress(c)}`);
        throw err;
      }
      if (access === 'admin') requireAdmin(caller);
      if (limiter) applyRateLimit(c, limiter, caller.keyId ? `key:${caller.keyId}` : `ip:${clientAddress(c)}`);
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
