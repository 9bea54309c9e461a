/** `openmemory serve`: the HTTP API (and MCP at /mcp) until SIGINT/SIGTERM. */
import { loadConfig } from '../../config.js';
import { Memory } from '../../engine/memory.js';
import { createLogger } from '../../log.js';
import { checkBind } from '../http/auth.js';
import { startServer } from '../http/server.js';
import type { Command } from './command.js';

export const serveCommand: Command = {
  summary: 'run the HTTP API (OM_PORT, OM_HOST)',
  help: `usage: openmemory serve
  Serves the HTTP API and MCP (POST /mcp) on OM_HOST:OM_PORT (default 127.0.0.1:8080) over the
  database configured by OM_* variables. Stops gracefully on SIGINT/SIGTERM.`,
  async run(_args, io) {
    const config = loadConfig(io.env);
    // Refuse an exposed unauthenticated bind before anything is opened or created.
    checkBind(config);
    const log = createLogger(config.logLevel);
    const engine = await Memory.open({ config, logger: log });
    let server;
    try {
      server = await startServer({ config, engine, keys: engine.store, log });
    } catch (err) {
      await engine.close();
      throw err;
    }
    io.out(`OpenMemory listening on ${server.url}`);
    io.out(`store: ${engine.store.location}`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        server.close().then(resolve, (err) => {
          log.error('shutdown failed', { error: err });
          resolve();
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
