/** `openmemory serve`: the HTTP API (and MCP at /mcp) until SIGINT/SIGTERM. */
import { loadConfig, type Config } from '../../config.js';
import type { MemoryEngine } from '../../engine/api.js';
import { Memory } from '../../engine/memory.js';
import { startThreadedEngine } from '../../engine/thread/threaded-engine.js';
import { createLogger, type Logger } from '../../log.js';
import { checkBind, type KeyStore } from '../http/auth.js';
import { startServer } from '../http/server.js';
import type { Command } from './command.js';
import type { Io } from './io.js';

interface Engine {
  engine: MemoryEngine;
  keys: KeyStore;
  location: string;
}

/** The engine on worker threads of its own (OM_ENGINE_THREADS), or on this one. */
async function openEngine(config: Readonly<Config>, io: Io, log: Logger, stop: () => void): Promise<Engine> {
  if (config.engineThreads === 0) {
    const engine = await Memory.open({ config, logger: log });
    return { engine, keys: engine.store, location: engine.store.location };
  }
  const engine = await startThreadedEngine(io.env, {
    threads: config.engineThreads,
    onStopped(err) {
      log.error('the memory engine stopped', { error: err });
      process.exitCode = 1;
      stop();
    },
  });
  return { engine, keys: engine.keys, location: engine.location };
}

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
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const { engine, keys, location } = await openEngine(config, io, log, () => stop());
    let server;
    try {
      server = await startServer({ config, engine, keys, log });
    } catch (err) {
      await engine.close();
      throw err;
    }
    io.out(`OpenMemory listening on ${server.url}`);
    io.out(`store: ${location}`);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    await stopped;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await server.close().catch((err: unknown) => log.error('shutdown failed', { error: err }));
    return process.exitCode === 1 ? 1 : 0;
  },
};
