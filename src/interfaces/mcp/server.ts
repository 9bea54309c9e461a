/**
 * Builds the OpenMemory MCP server for one caller. The caller's role decides the scope rule:
 * a user key fixes the user (naming another is `forbidden`); admin (and stdio) may name any
 * user, and no name means the default user.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { MemoryEngine } from '../../engine/api.js';
import type { Logger } from '../../log.js';
import { DEFAULT_USER_NAME } from '../default-user.js';
import { resolveScope, type Caller } from '../http/auth.js';
import { MCP_SERVER_NAME, MCP_SERVER_VERSION } from './identity.js';
import { registerResources } from './resources.js';
import { registerTools, type ToolContext } from './tools.js';

export interface McpServerOptions {
  engine: MemoryEngine;
  caller: Exclude<Caller, { role: 'public' }>;
  log: Logger;
}

export function createMcpServer({ engine, caller, log }: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION },
    { capabilities: { tools: {}, resources: {} } },
  );
  const ctx: ToolContext = {
    engine,
    scope: (requested) => resolveScope(caller, requested),
    logError: (err) => log.error('mcp tool failed', { error: err }),
  };
  const visibleUsers = async (): Promise<string[]> => {
    if (caller.role === 'user') return [caller.scope.userId ?? DEFAULT_USER_NAME];
    return (await engine.adminListUsers()).map((u) => u ?? DEFAULT_USER_NAME);
  };
  const tools = registerTools(server, ctx);
  registerResources(server, ctx, visibleUsers, tools);
  return server;
}
