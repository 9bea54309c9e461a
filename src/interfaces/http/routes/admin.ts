/**
 * /admin/keys — user API keys (admin key only). The secret is returned once and stored hashed.
 * /whoami — what the presented key may do (the dashboard's sign-in asks it).
 */
import { notFound } from '../../../errors.js';
import { createdKeyReply, keyListReply, revokeKeyReply } from '../../schemas/responses.js';
import { apiKeyParams, createApiKeyBody } from '../../schemas/users.js';
import { apiKeyView, createUserKey } from '../auth.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

export function adminRoutes({ keys, config }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/whoami',
      summary: 'The role of the presented key and, for a user key, its user; whether the server asks for keys at all.',
      handler: ({ caller }) => ({
        role: caller.role,
        user_id: caller.role === 'user' ? caller.scope.userId : null,
        key_required: config.apiKey !== null,
      }),
    }),
    route({
      method: 'POST',
      path: '/admin/keys',
      summary: 'Create an API key bound to one user; the secret is shown only in this answer.',
      access: 'admin',
      body: createApiKeyBody,
      response: createdKeyReply,
      handler: ({ body }) => createUserKey(keys, body.user_id, body.label ?? null),
    }),
    route({
      method: 'GET',
      path: '/admin/keys',
      summary: 'List API keys (never their secrets).',
      access: 'admin',
      response: keyListReply,
      handler: async () => ({ keys: (await keys.adminListApiKeys()).map(apiKeyView) }),
    }),
    route({
      method: 'DELETE',
      path: '/admin/keys/:id',
      summary: 'Revoke an API key.',
      access: 'admin',
      params: apiKeyParams,
      response: revokeKeyReply,
      handler: async ({ params }) => {
        if (!(await keys.adminRevokeApiKey(params.id, Date.now()))) throw notFound('API key');
        return { ok: true, id: params.id };
      },
    }),
  ];
}
