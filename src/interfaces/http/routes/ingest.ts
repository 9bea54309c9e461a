/** /memory/ingest and /memory/ingest/url: documents and web pages into a user's memories. */
import { anyAddress, isPublicAddress } from '../../../features/ingest/address-policy.js';
import { sourceOf } from '../../../features/ingest/extract.js';
import { fetchDocument } from '../../../features/ingest/fetch-url.js';
import { ingestDocument } from '../../../features/ingest/ingest.js';
import { ingestBody, ingestUrlBody } from '../../schemas/ingest.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

export function ingestRoutes({ engine, fetchLimits, parser }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/memory/ingest',
      summary: 'Ingest a document (txt, md, html, pdf, docx as base64); long ones become a root memory linked to its sections.',
      body: ingestBody,
      handler: async ({ body, scope }) => {
        const s = scope(body.user_id);
        const doc = await parser.extract(sourceOf(body.content_type, body.data));
        return ingestDocument(engine, s, doc, parser.limits, body.metadata, body.config);
      },
    }),
    route({
      method: 'POST',
      path: '/memory/ingest/url',
      summary: 'Fetch a web page (http/https, size and time limited; non-public hosts for the admin only) and ingest it.',
      body: ingestUrlBody,
      handler: async ({ body, scope, caller }) => {
        const s = scope(body.user_id);
        const allowed = caller.role === 'admin' ? anyAddress : isPublicAddress;
        const doc = await fetchDocument(body.url, fetchLimits, { allowed, parser });
        return ingestDocument(engine, s, doc, parser.limits, body.metadata, body.config);
      },
    }),
  ];
}
