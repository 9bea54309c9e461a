/**
 * Resources: a user's summary and recent memories. `openmemory://user/...` is the caller's
 * own scope (the key's user; the default user on stdio or with the admin key);
 * `openmemory://users/{user_id}/...` names a user and obeys the same key rule as the tools.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { SECTOR_CONFIGS } from '../../core/sectors.js';
import { SECTORS } from '../../core/types.js';
import type { UserScope } from '../../store/scope.js';
import { MCP_SERVER_NAME, MCP_SERVER_VERSION } from './identity.js';
import type { ToolContext } from './tools.js';

const RECENT = 20;

type Kind = 'summary' | 'memories';

async function read(ctx: ToolContext, uri: URL, s: UserScope, kind: Kind): Promise<ReadResourceResult> {
  const body =
    kind === 'summary'
      ? await ctx.engine.userSummary(s)
      : { user_id: s.userId, items: await ctx.engine.list(s, { limit: RECENT }) };
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
}

const namedUri = (userId: string, kind: Kind) => `openmemory://users/${encodeURIComponent(userId)}/${kind}`;

/** v1.2's `openmemory://config`, with the statistics of the caller's own user instead of every user's. */
function registerConfig(server: McpServer, ctx: ToolContext, tools: readonly string[]): void {
  server.registerResource(
    'openmemory-config',
    'openmemory://config',
    {
      description: "Sector settings, the caller's per-sector statistics and the available tools.",
      mimeType: 'application/json',
    },
    async (uri) => {
      const stats = await ctx.engine.userStats(ctx.scope(undefined));
      const body = {
        sectors: Object.fromEntries(
          SECTORS.map((s) => [
            s,
            {
              model: SECTOR_CONFIGS[s].model,
              decay_lambda: SECTOR_CONFIGS[s].lambda,
              weight: SECTOR_CONFIGS[s].weight,
            },
          ]),
        ),
        stats: stats.sectors.map((s) => ({ sector: s.sector, count: s.count, avg_salience: s.avgSalience })),
        server: { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION },
        available_tools: tools,
      };
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
    },
  );
}

export function registerResources(
  server: McpServer,
  ctx: ToolContext,
  visibleUsers: () => Promise<string[]>,
  tools: readonly string[],
): void {
  registerConfig(server, ctx, tools);
  const described: Record<Kind, string> = {
    summary: "The user's memory summary (JSON).",
    memories: `The user's ${RECENT} most recent memories (JSON).`,
  };
  for (const kind of ['summary', 'memories'] as const) {
    server.registerResource(
      `own-${kind}`,
      `openmemory://user/${kind}`,
      { description: `${described[kind]} Acts for the caller's own user.`, mimeType: 'application/json' },
      (uri) => read(ctx, uri, ctx.scope(undefined), kind),
    );
    const template = new ResourceTemplate(`openmemory://users/{user_id}/${kind}`, {
      list: async () => ({
        resources: (await visibleUsers()).map((u) => ({
          uri: namedUri(u, kind),
          name: `${u} ${kind}`,
          mimeType: 'application/json',
        })),
      }),
    });
    server.registerResource(
      `user-${kind}`,
      template,
      { description: described[kind], mimeType: 'application/json' },
      (uri, vars) => {
        const raw = Array.isArray(vars.user_id) ? vars.user_id[0] : vars.user_id;
        return read(ctx, uri, ctx.scope(decodeURIComponent(raw ?? '')), kind);
      },
    );
  }
}
