/**
 * `openmemory mcp`: the MCP server on stdin/stdout. stdout carries only protocol frames;
 * logs go to stderr. Whoever can start the process owns the database, so it acts as admin.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { MemoryEngine } from '../../engine/api.js';
import type { Logger } from '../../log.js';
import { createMcpServer } from './server.js';

/** Resolves when the client closes the connection. */
export async function serveMcpStdio(engine: MemoryEngine, log: Logger): Promise<void> {
  const server = createMcpServer({ engine, caller: { role: 'admin', keyId: null }, log });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  // The SDK transport does not watch for end of input; a client hanging up must end the session,
  // and so must a signal, so that the caller closes the database cleanly.
  const stop = () => void server.close();
  process.stdin.once('end', stop);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  log.info('mcp stdio server ready');
  try {
    await closed;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}
