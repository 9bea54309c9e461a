/** /memory/* — v1.2's memory routes, every one acting inside the caller's user scope. */
import { validationError } from '../../../errors.js';
import {
  addBatchBody,
  addMemoryBody,
  deleteMemoryBody,
  listMemoriesQuery,
  MEMORY_PATH,
  memoryIdParams,
  memoryLinksQuery,
  queryMemoryBody,
  reinforceBody,
  updateMemoryBody,
  userQuery,
} from '../../schemas/memory.js';
import { neighbourhood } from '../../../features/graph.js';
import {
  addBatchReply,
  addReply,
  listReply,
  memoryReply,
  okReply,
  queryReply,
  reinforceReply,
  updateReply,
} from '../../schemas/responses.js';
import { toAddInput, toQueryInput } from '../../wire-input.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

export function memoryRoutes({ engine }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/memory/add',
      summary: 'Store a memory for a user (dedup within that user reinforces the existing one).',
      body: addMemoryBody,
      response: addReply,
      handler: ({ body, scope }) => engine.add(scope(body.user_id), toAddInput(body)),
    }),
    route({
      method: 'POST',
      path: '/memory/add/batch',
      summary: 'Store many memories of one user in one transaction.',
      body: addBatchBody,
      response: addBatchReply,
      handler: async ({ body, scope }) => ({
        results: await engine.addMany(scope(body.user_id), body.items.map(toAddInput)),
      }),
    }),
    route({
      method: 'POST',
      path: '/memory/query',
      summary: "Rank the user's memories for a query.",
      body: queryMemoryBody,
      response: queryReply,
      handler: ({ body, scope }) => {
        const f = body.filters ?? {};
        return engine.query(
          scope(f.user_id !== undefined ? f.user_id : body.user_id),
          toQueryInput(body.query, body.k, f),
        );
      },
    }),
    route({
      method: 'POST',
      path: '/memory/reinforce',
      summary: "Raise a memory's salience.",
      body: reinforceBody,
      response: reinforceReply,
      handler: async ({ body, memoryScope }) => ({
        ok: true,
        salience: await engine.reinforce(await memoryScope(body.user_id, body.id), body.id, body.boost),
      }),
    }),
    route({
      method: 'GET',
      path: '/memory/all',
      summary: "List the user's memories, newest first (`l` = limit, `u` = offset).",
      query: listMemoriesQuery,
      response: listReply,
      handler: async ({ query, scope }) => ({
        items: await engine.list(scope(query.user_id), {
          limit: query.l ?? query.limit ?? 100,
          offset: query.u ?? query.offset ?? 0,
          ...(query.sector ? { sector: query.sector } : {}),
        }),
      }),
    }),
    route({
      method: 'GET',
      path: MEMORY_PATH,
      summary:
        'One memory of the user (404 for ids of other users; the admin key naming no user reaches any, as v1.2).',
      params: memoryIdParams,
      query: userQuery,
      response: memoryReply,
      handler: async ({ params, query, memoryScope }) =>
        engine.get(await memoryScope(query.user_id, params.id), params.id),
    }),
    route({
      method: 'GET',
      path: `${MEMORY_PATH}/links`,
      summary: "The user's waypoint graph around a memory: its links, and (depth 2) theirs; at most 40 memories.",
      params: memoryIdParams,
      query: memoryLinksQuery,
      handler: ({ params, query, scope }) => neighbourhood(engine, scope(query.user_id), params.id, query.depth ?? 2),
    }),
    route({
      method: 'GET',
      path: `${MEMORY_PATH}/history`,
      summary: "A memory's changes, oldest first, with the content before, time and actor; kept after a delete.",
      params: memoryIdParams,
      query: userQuery,
      handler: async ({ params, query, scope }) => ({
        id: params.id,
        history: await engine.history(scope(query.user_id), params.id),
      }),
    }),
    route({
      method: 'PATCH',
      path: MEMORY_PATH,
      summary: "Change a memory's content, tags or metadata.",
      params: memoryIdParams,
      body: updateMemoryBody,
      response: updateReply,
      handler: async ({ params, body, memoryScope }) => {
        if (body.content === undefined && body.tags === undefined && body.metadata === undefined) {
          throw validationError('body: give at least one of content, tags, metadata');
        }
        const { user_id, ...patch } = body;
        await engine.update(await memoryScope(user_id, params.id), params.id, patch);
        return { id: params.id, updated: true as const };
      },
    }),
    route({
      method: 'DELETE',
      path: MEMORY_PATH,
      summary: 'Delete a memory with its vectors and links.',
      params: memoryIdParams,
      query: userQuery,
      body: deleteMemoryBody,
      response: okReply,
      handler: async ({ params, query, body, memoryScope }) => {
        await engine.delete(
          await memoryScope(query.user_id !== undefined ? query.user_id : body.user_id, params.id),
          params.id,
        );
        return { ok: true };
      },
    }),
  ];
}
