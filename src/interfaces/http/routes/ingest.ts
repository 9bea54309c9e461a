/** /memory/ingest and /memory/ingest/url: documents and web pages into a user's memories. */
import { anyAddress, isPublicAddress } from '../../../features/ingest/address-policy.js';
import { sourceOf } from '../../../features/ingest/extract.js';
import { fetchDocument } from '../../../features/ingest/fetch-url.js';
import { ingestDocument } from '../../../features/ingest/ingest.js';
import { ingestBody, ingestUrlBody, MAX_DOCUMENT_CHARS } from '../../schemas/ingest.js';
import { ingestReply } from '../../schemas/responses.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

export function ingestRoutes({ engine, fetchLimits, parser }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'POST',
      path: '/memory/ingest',
      summary:
        'Ingest a document (txt, md, html, pdf, docx as base64); long ones become a root memory linked to its sections.',
      description:
        'The document travels inside the JSON body, so OM_MAX_PAYLOAD_SIZE bounds it: base64 makes a binary ' +
        `document about 4/3 larger. \`data\` itself may hold up to ${MAX_DOCUMENT_CHARS} characters ` +
        'when the limit is raised.',
      body: ingestBody,
      response: ingestReply,
      handler: async ({ body, scope }) => {
        const s = scope(body.user_id);
        const doc = await parser.extract(sourceOf(body.content_type, body.data));
        return ingestDocument(engine, s, doc, parser.limits, body.metadata, body.config);
      },
    }),
    route({
      method: 'POST',
      path: '/memory/ingest/url',
      summary:
        'Fetch a web page (http/https, size and time limited; non-public hosts for the admin only) and ingest it.',
      description: `The page may be at most ${fetchLimits.maxBytes} bytes, fetched within ${fetchLimits.timeoutMs} ms.`,
      body: ingestUrlBody,
      response: ingestReply,
      handler: async ({ body, scope, caller }) => {
        const s = scope(body.user_id);
        const allowed = caller.role === 'admin' ? anyAddress : isPublicAddress;
        const doc = await fetchDocument(body.url, fetchLimits, { allowed, parser });
        return ingestDocument(engine, s, doc, parser.limits, body.metadata, body.config);
      },
    }),
  ];
}
