/** /lgm/* — LangGraph node memory within the caller's user. */
import { lgmContextBody, lgmReflectionBody, lgmRetrieveBody, lgmStoreBody } from '../../schemas/lgm.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

export function lgmRoutes({ lgm }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/lgm/config',
      summary: 'LangGraph memory settings.',
      handler: () => lgm.configView(),
    }),
    route({
      method: 'POST',
      path: '/lgm/store',
      summary: 'Store a node output (and, unless disabled, an automatic reflection).',
      body: lgmStoreBody,
      handler: ({ body, scope }) => lgm.store(scope(body.user_id), body),
    }),
    route({
      method: 'POST',
      path: '/lgm/retrieve',
      summary: "Memories of a node's sector in a namespace/graph, by query or recency.",
      body: lgmRetrieveBody,
      handler: ({ body, scope }) => lgm.retrieve(scope(body.user_id), body),
    }),
    route({
      method: 'POST',
      path: '/lgm/context',
      summary: 'Recent memories of every node of a namespace/graph with a digest.',
      body: lgmContextBody,
      handler: ({ body, scope }) => lgm.context(scope(body.user_id), body),
    }),
    route({
      method: 'POST',
      path: '/lgm/reflection',
      summary: 'Store a reflection (given, or synthesized from the context).',
      body: lgmReflectionBody,
      handler: ({ body, scope }) => lgm.reflection(scope(body.user_id), body),
    }),
  ];
}
