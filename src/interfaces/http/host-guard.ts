/**
 * DNS-rebinding guard. Without an API key every caller that reaches the loopback server is
 * admin, so a web page whose host name an attacker re-points at 127.0.0.1 could drive the API
 * from the victim's browser. Those requests still carry the attacker's name in `Host`, so only
 * loopback names (plus OM_ALLOWED_HOSTS) are served. With an API key the key is the guard.
 */
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config.js';
import { isLoopback } from './auth.js';
import type { AppEnv } from './context.js';
import { OmError } from '../../errors.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `Host` without its port, lower-cased (`[::1]:8080` → `[::1]`). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.split(':')[0]!;
}

/** The guard for this configuration, or null when it does not apply. */
export function hostGuard(config: Readonly<Config>): MiddlewareHandler<AppEnv> | null {
  if (config.apiKey !== null || !isLoopback(config.host) || config.allowedHosts === null) return null;
  const allowed = new Set([...LOOPBACK_NAMES, ...config.allowedHosts]);
  return async (c, next) => {
    const name = hostName(c.req.header('host') ?? new URL(c.req.url).host);
    if (!allowed.has(name)) {
      throw new OmError(
        'host_not_allowed',
        `Host "${name}" is not served: without OM_API_KEY only localhost, 127.0.0.1 and [::1] are (add names to OM_ALLOWED_HOSTS)`,
      );
    }
    await next();
  };
}
