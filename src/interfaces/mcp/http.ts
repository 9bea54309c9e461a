/**
 * Streamable HTTP MCP at `/mcp`: stateless (a fresh server per request, no session id), plain
 * JSON answers, behind the same API keys and rate limit as the REST routes. The key decides the
 * scope rule. Other methods get the app's 405 (no SSE stream is offered).
 */
import { Hono, type Context } from 'hono';
import { authenticationRequired, OmError } from '../../errors.js';
import { readJsonBody } from '../http/body.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { authorize } from '../http/route.js';

/**
 * The MCP SDK loads with the first MCP request, as the document converters do with the first
 * ingestion: a server its clients only reach over REST does not hold it (about 10 MB).
 */
const importMcp = () =>
  Promise.all([import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'), import('./server.js')]);
let mcpModules: ReturnType<typeof importMcp> | undefined;
const loadMcp = () => (mcpModules ??= importMcp());

function rpcError(c: Context<AppEnv>, code: number, message: string) {
  return c.json({ jsonrpc: '2.0', error: { code, message }, id: null }, 400);
}

export function mcpHttpApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', async (c) => {
    c.set('route', '/mcp');
    const caller = await authorize(c, deps, 'user');
    if (caller.role === 'public') throw authenticationRequired();
    let parsedBody: unknown;
    try {
      parsedBody = await readJsonBody(c, deps.config.maxPayloadBytes);
    } catch (err) {
      if (err instanceof OmError && err.code === 'validation_error') return rpcError(c, -32600, 'Invalid JSON payload');
      throw err;
    }
    const [{ WebStandardStreamableHTTPServerTransport }, { createMcpServer }] = await loadMcp();
    const server = createMcpServer({ engine: deps.engine, caller, log: deps.log });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, { parsedBody });
    } finally {
      await server.close();
    }
  });
  return app;
}
