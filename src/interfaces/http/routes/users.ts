/** /users/* — summaries and bulk operations on one user's memories; `@default` names the default user. */
import { storedUserScope } from '../../../store/scope.js';
import {
  deleteUserReply,
  regenerateAllReply,
  regenerateReply,
  summaryReply,
  userMemoriesReply,
} from '../../schemas/responses.js';
import { userListQuery, userMemoriesQuery, userPathParams } from '../../schemas/users.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

export function userRoutes({ engine }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/users',
      summary:
        'Admin: the users (default user as null) with their counts and summary (`l` = limit, `u` = offset, `fields`).',
      access: 'admin',
      query: userListQuery,
      handler: async ({ query }) => {
        const all = await engine.adminListUsers();
        const fields = query.fields ?? 'all';
        const offset = query.u ?? 0;
        const page = all.slice(offset, offset + (query.l ?? 100));
        const users = await Promise.all(
          page.map(async (u) => {
            if (fields === 'ids') return { user_id: u };
            const scope = storedUserScope(u);
            const [stats, summary] = await Promise.all([
              engine.userStats(scope),
              fields === 'all' ? engine.userSummary(scope) : null,
            ]);
            return {
              user_id: u,
              memories: stats.memories,
              vectors: stats.vectors,
              waypoints: stats.waypoints,
              last_created_at: stats.lastCreatedAt,
              ...(summary ? { summary: summary.summary, summary_updated_at: summary.updated_at } : {}),
            };
          }),
        );
        return { total: all.length, users };
      },
    }),
    route({
      method: 'POST',
      path: '/users/summaries/regenerate-all',
      summary: 'Admin: regenerate the summary of every user.',
      access: 'admin',
      response: regenerateAllReply,
      handler: async () => {
        const users = await engine.adminListUsers();
        for (const u of users) await engine.regenerateSummary(storedUserScope(u));
        return { ok: true, updated: users.length };
      },
    }),
    route({
      method: 'GET',
      path: '/users/:user_id/summary',
      summary: "The user's summary.",
      params: userPathParams,
      response: summaryReply,
      handler: ({ params, scope }) => engine.userSummary(scope(params.user_id)),
    }),
    route({
      method: 'POST',
      path: '/users/:user_id/summary/regenerate',
      summary: "Recompute the user's summary now.",
      params: userPathParams,
      response: regenerateReply,
      handler: async ({ params, scope }) => {
        const s = await engine.regenerateSummary(scope(params.user_id));
        return {
          ok: true,
          user_id: s.user_id,
          summary: s.summary,
          reflection_count: s.reflection_count,
          updated_at: s.updated_at,
        };
      },
    }),
    route({
      method: 'GET',
      path: '/users/:user_id/memories',
      summary: "List the user's memories (`l` = limit, `u` = offset).",
      params: userPathParams,
      query: userMemoriesQuery,
      response: userMemoriesReply,
      handler: async ({ params, query, scope }) => {
        const s = scope(params.user_id);
        return { user_id: s.userId, items: await engine.list(s, { limit: query.l ?? 100, offset: query.u ?? 0 }) };
      },
    }),
    route({
      method: 'DELETE',
      path: '/users/:user_id/memories',
      summary: 'Erase the user: all of its memories, vectors, links, embed logs, summary and API keys.',
      params: userPathParams,
      response: deleteUserReply,
      handler: async ({ params, scope }) => {
        const counts = await engine.deleteUser(scope(params.user_id));
        return { ok: true, deleted: counts.memories, counts };
      },
    }),
  ];
}
