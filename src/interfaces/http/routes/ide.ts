/** /api/ide/* — editor events and sessions stored as the caller's memories. */
import { endIdeSession, ideContext, idePatterns, startIdeSession, storeIdeEvent } from '../../../features/ide/ide.js';
import {
  ideContextBody,
  ideEventBody,
  idePatternsParams,
  ideSessionEndBody,
  ideSessionStartBody,
} from '../../schemas/ide.js';
import { userQuery } from '../../schemas/memory.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

export function ideRoutes({ engine }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/api/ide/events',
      summary: 'Store an editor event.',
      body: ideEventBody,
      handler: ({ body, scope }) => storeIdeEvent(engine, scope(body.user_id), body),
    }),
    route({
      method: 'POST',
      path: '/api/ide/context',
      summary: "Memories relevant to the editor's query, optionally of one session or file.",
      body: ideContextBody,
      handler: ({ body, scope }) => ideContext(engine, scope(body.user_id), body),
    }),
    route({
      method: 'POST',
      path: '/api/ide/session/start',
      summary: 'Start an editor session.',
      body: ideSessionStartBody,
      handler: ({ body, scope }) => startIdeSession(engine, scope(body.user_id), body),
    }),
    route({
      method: 'POST',
      path: '/api/ide/session/end',
      summary: 'End an editor session and store its summary.',
      body: ideSessionEndBody,
      handler: ({ body, scope }) => endIdeSession(engine, scope(body.user_id), body.session_id),
    }),
    route({
      method: 'GET',
      path: '/api/ide/patterns/:session_id',
      summary: 'Procedural memories of a session.',
      params: idePatternsParams,
      query: userQuery,
      handler: ({ params, query, scope }) => idePatterns(engine, scope(query.user_id), params.session_id),
    }),
  ];
}
