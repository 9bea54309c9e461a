/**
 * Who is calling. The admin key (OM_API_KEY) may act for any user; a user key (created through
 * /admin/keys, stored as a SHA-256 hash) acts only as its user. Without OM_API_KEY the server
 * only listens on loopback and every caller without a key is admin.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config.js';
import { authenticationRequired, ConfigError, forbidden, invalidApiKey, OmError } from '../../errors.js';
import { actingAs, LOCAL_ACTOR, scopeFromUserKey, userKey, userScope, type UserScope } from '../../store/scope.js';
import type { ApiKeyRecord, Store } from '../../store/store.js';
import type { ApiKeyView } from '../../sdk/types.js';
import { requestedUser } from '../default-user.js';

export type KeyStore = Pick<
  Store,
  'adminCreateApiKey' | 'adminFindApiKey' | 'adminListApiKeys' | 'adminRevokeApiKey' | 'adminTouchApiKey'
>;

/** `last_used_at` is exact to this much: a busy key costs one write per interval, not one per request. */
export const KEY_USE_RESOLUTION_MS = 60_000;

export type Caller =
  | { role: 'admin'; keyId: string | null }
  | { role: 'user'; scope: UserScope; keyId: string }
  /** Public routes (health, OpenAPI) do not authenticate and act for nobody. */
  | { role: 'public'; keyId: null };

export const hashKey = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function presentedKey(headers: Headers): string | null {
  const direct = headers.get('x-api-key')?.trim();
  if (direct) return direct;
  const m = /^(?:Bearer|ApiKey)\s+(.+)$/i.exec(headers.get('authorization')?.trim() ?? '');
  return m ? m[1]!.trim() : null;
}

/** Constant-time comparison on digests, so neither content nor length leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export async function authenticate(headers: Headers, config: Config, keys: KeyStore): Promise<Caller> {
  const secret = presentedKey(headers);
  if (secret === null) {
    if (config.apiKey === null) return { role: 'admin', keyId: null };
    throw authenticationRequired();
  }
  if (config.apiKey !== null && sameSecret(secret, config.apiKey)) return { role: 'admin', keyId: 'admin' };
  const record = await keys.adminFindApiKey(hashKey(secret));
  if (!record || record.revokedAt !== null) throw invalidApiKey();
  await noteKeyUse(keys, record);
  if (record.role === 'admin') return { role: 'admin', keyId: record.id };
  return { role: 'user', scope: scopeFromUserKey(record.userKey ?? ''), keyId: record.id };
}

/**
 * Keeps `last_used_at` current to {@link KEY_USE_RESOLUTION_MS}. The record is updated too, so a
 * cached copy does not ask again. Bookkeeping only: a failed write never fails the request.
 */
async function noteKeyUse(keys: KeyStore, record: ApiKeyRecord, now = Date.now()): Promise<void> {
  if (record.lastUsedAt !== null && now - record.lastUsedAt < KEY_USE_RESOLUTION_MS) return;
  record.lastUsedAt = now;
  await keys.adminTouchApiKey(record.id, now).catch(() => undefined);
}

/**
 * The scope a request acts in: the user it names (admin), or the key's own user. A user key
 * naming anyone else is refused rather than silently narrowed. `@default` names the default user.
 */
export function resolveScope(caller: Caller, requested: string | null | undefined): UserScope {
  if (caller.role === 'admin') return actingAs(userScope(requestedUser(requested)), caller.keyId ?? LOCAL_ACTOR);
  if (caller.role === 'public') throw new OmError('authentication_required', 'this route acts for no user');
  if (requested !== undefined && userScope(requestedUser(requested)).userId !== caller.scope.userId) {
    throw forbidden('this API key may only act for its own user');
  }
  return actingAs(caller.scope, caller.keyId);
}

export function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') throw forbidden('this route needs the admin API key');
}

export async function createUserKey(keys: KeyStore, userId: string | null, label: string | null) {
  const secret = `om_${randomBytes(32).toString('base64url')}`;
  const scope = userScope(requestedUser(userId));
  const record: ApiKeyRecord = {
    id: randomUUID(),
    userKey: userKey(scope),
    role: 'user',
    label,
    hash: hashKey(secret),
    createdAt: Date.now(),
    revokedAt: null,
    lastUsedAt: null,
  };
  await keys.adminCreateApiKey(record);
  return { id: record.id, key: secret, user_id: scope.userId };
}

/** A key as lists show it: never the secret or its hash. */
export function apiKeyView(k: ApiKeyRecord): ApiKeyView {
  return {
    id: k.id,
    user_id: k.userKey === null ? null : scopeFromUserKey(k.userKey).userId,
    role: k.role,
    label: k.label,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
    last_used_at: k.lastUsedAt,
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export const isLoopback = (bindAddress: string) => LOOPBACK.has(bindAddress);

/** Refuses to expose an unauthenticated server beyond loopback unless explicitly allowed. */
export function checkBind(config: Config): void {
  if (config.apiKey === null && !isLoopback(config.host) && !config.allowInsecureBind) {
    throw new ConfigError(
      'OM_HOST',
      `binding to ${config.host} without OM_API_KEY would expose every memory; set OM_API_KEY or OM_ALLOW_INSECURE_BIND=true`,
    );
  }
}
