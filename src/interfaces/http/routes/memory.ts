/** /memory/* — v1.2's memory routes, every one acting inside the caller's user scope. */
import type { AddInput, QueryInput } from '../../../engine/api.js';
import { validationError } from '../../../errors.js';
import {
  addBatchBody,
  addMemoryBody,
  deleteMemoryBody,
  listMemoriesQuery,
  memoryIdParams,
  queryMemoryBody,
  reinforceBody,
  updateMemoryBody,
  userQuery,
} from '../../schemas/memory.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

type AddFields = { content: string; tags?: string[]; metadata?: Record<string, unknown>; sector?: AddInput['sector']; salience?: number; created_at?: number };

function addInput(b: AddFields): AddInput {
  return {
    content: b.content,
    ...(b.tags ? { tags: b.tags } : {}),
    ...(b.metadata ? { metadata: b.metadata } : {}),
    ...(b.sector ? { sector: b.sector } : {}),
    ...(b.salience !== undefined ? { salience: b.salience } : {}),
    ...(b.created_at !== undefined ? { createdAt: b.created_at } : {}),
  };
}

export function memoryRoutes({ engine }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/memory/add',
      summary: 'Store a memory for a user (dedup within that user reinforces the existing one).',
      body: addMemoryBody,
      handler: ({ body, scope }) => engine.add(scope(body.user_id), addInput(body)),
    }),
    route({
      method: 'POST',
      path: '/memory/add/batch',
      summary: 'Store many memories of one user in one transaction.',
      body: addBatchBody,
      handler: async ({ body, scope }) => ({ results: await engine.addMany(scope(body.user_id), body.items.map(addInput)) }),
    }),
    route({
      method: 'POST',
      path: '/memory/query',
      summary: "Rank the user's memories for a query.",
      body: queryMemoryBody,
      handler: ({ body, scope }) => {
        const f = body.filters ?? {};
        const sectors = f.sectors ?? (f.sector ? [f.sector] : undefined);
        const input: QueryInput = {
          query: body.query,
          ...(body.k !== undefined ? { k: body.k } : {}),
          ...(sectors ? { sectors } : {}),
          ...(f.min_score !== undefined ? { minScore: f.min_score } : {}),
          ...(f.min_salience !== undefined ? { minSalience: f.min_salience } : {}),
          ...(f.tags ? { tags: f.tags } : {}),
          ...(f.since !== undefined ? { since: f.since } : {}),
          ...(f.until !== undefined ? { until: f.until } : {}),
        };
        return engine.query(scope(f.user_id !== undefined ? f.user_id : body.user_id), input);
      },
    }),
    route({
      method: 'POST',
      path: '/memory/reinforce',
      summary: "Raise a memory's salience.",
      body: reinforceBody,
      handler: async ({ body, scope }) => ({ ok: true, salience: await engine.reinforce(scope(body.user_id), body.id, body.boost) }),
    }),
    route({
      method: 'GET',
      path: '/memory/all',
      summary: "List the user's memories, newest first (`l` = limit, `u` = offset).",
      query: listMemoriesQuery,
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
      path: '/memory/:id',
      summary: 'One memory of the user (404 for ids of other users).',
      params: memoryIdParams,
      query: userQuery,
      handler: ({ params, query, scope }) => engine.get(scope(query.user_id), params.id),
    }),
    route({
      method: 'PATCH',
      path: '/memory/:id',
      summary: "Change a memory's content, tags or metadata.",
      params: memoryIdParams,
      body: updateMemoryBody,
      handler: async ({ params, body, scope }) => {
        if (body.content === undefined && body.tags === undefined && body.metadata === undefined) {
          throw validationError('body: give at least one of content, tags, metadata');
        }
        const { user_id, ...patch } = body;
        await engine.update(scope(user_id), params.id, patch);
        return { id: params.id, updated: true };
      },
    }),
    route({
      method: 'DELETE',
      path: '/memory/:id',
      summary: 'Delete a memory with its vectors and links.',
      params: memoryIdParams,
      query: userQuery,
      body: deleteMemoryBody,
      handler: async ({ params, query, body, scope }) => {
        await engine.delete(scope(query.user_id !== undefined ? query.user_id : body.user_id), params.id);
        return { ok: true };
      },
    }),
  ];
}
