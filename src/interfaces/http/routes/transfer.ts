/** /users/:user_id/export and /import — a user's memories as JSON lines (the CLI's export format). */
import type { MemoryEngine } from '../../../engine/api.js';
import type { UserScope } from '../../../store/scope.js';
import { exportQuery, importBody, userPathParams } from '../../schemas/users.js';
import type { AppDeps } from '../context.js';
import { route, type RouteSpec } from '../route.js';

const PAGE = 500;

/** Pages through the user as the client reads, so a large user is never held whole. */
async function exportStream(
  engine: MemoryEngine,
  scope: UserScope,
  withVectors: boolean,
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const read = (offset: number) => engine.exportPage(scope, { offset, limit: PAGE, withVectors });
  // The first page is read before answering, so a failure is still an error status.
  let page = await read(0);
  let offset = 0;
  return new ReadableStream({
    async pull(controller) {
      if (page.lines.length > 0) controller.enqueue(encoder.encode(page.lines.map((l) => `${l}\n`).join('')));
      if (page.memories < PAGE) return controller.close();
      offset += PAGE;
      page = await read(offset);
    },
  });
}

const fileName = (userId: string | null) =>
  `openmemory-${(userId ?? 'default').replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`;

export function transferRoutes({ engine }: AppDeps): RouteSpec[] {
  return [
    route({
      method: 'GET',
      path: '/users/:user_id/export',
      summary:
        "The user's memories as JSON lines (newest first; the summary line first), as `openmemory export` writes them.",
      params: userPathParams,
      query: exportQuery,
      handler: async ({ params, query, scope }) => {
        const s = scope(params.user_id);
        return new Response(await exportStream(engine, s, query.with_vectors === 'true'), {
          headers: {
            'content-type': 'application/x-ndjson; charset=utf-8',
            'content-disposition': `attachment; filename="${fileName(s.userId)}"`,
          },
        });
      },
    }),
    route({
      method: 'POST',
      path: '/users/:user_id/import',
      summary:
        "Load export lines into the user: every line must be the user's and valid before any is written; ids it has are skipped. Send links after all lines.",
      params: userPathParams,
      body: importBody,
      handler: ({ params, body, scope }) =>
        engine.importLines(scope(params.user_id), {
          ...(body.lines ? { lines: body.lines } : {}),
          ...(body.first_line ? { firstLine: body.first_line } : {}),
          ...(body.links ? { links: body.links } : {}),
        }),
    }),
  ];
}
