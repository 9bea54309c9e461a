/**
 * `openmemory mcp`: the MCP server on stdin/stdout. stdout carries only protocol frames;
 * logs go to stderr. Whoever can start the process owns the database, so it acts as admin
 * unless the command pins it to one user (a user key, or `--user`).
 */
import type { MemoryEngine } from '../../engine/api.js';
import type { Logger } from '../../log.js';
import type { Caller } from '../http/auth.js';
import { OrderedStdioTransport } from './ordered-stdio.js';
import { createMcpServer } from './server.js';

/** Resolves when the client closes the connection. */
export async function serveMcpStdio(
  engine: MemoryEngine,
  log: Logger,
  caller: Exclude<Caller, { role: 'public' }>,
): Promise<void> {
  const server = createMcpServer({ engine, caller, log });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(new OrderedStdioTransport());
  // A signal ends the session too, so that the caller closes the database cleanly.
  const stop = () => void server.close();
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
