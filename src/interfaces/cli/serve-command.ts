/** `openmemory serve`: the HTTP API (and MCP at /mcp) until SIGINT/SIGTERM. */
import { createServer } from 'node:net';
import { loadConfig, type Config } from '../../config.js';
import { ConfigError } from '../../errors.js';
import type { MemoryEngine } from '../../engine/api.js';
import { Memory } from '../../engine/memory.js';
import { startThreadedEngine } from '../../engine/thread/threaded-engine.js';
import { createLogger, type Logger } from '../../log.js';
import { checkBind, type KeyStore } from '../http/auth.js';
import { startServer, type RunningServer } from '../http/server.js';
import { parseCommand } from './args.js';
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

/** A flag and the variable it stands for: the flag wins, and says so when both are given. */
const FLAG_VARIABLES = { host: 'OM_HOST', port: 'OM_PORT', db: 'OM_DB_PATH' } as const;

/** The environment with the command line's settings applied over it. */
function withFlags(args: string[], io: Io): Io['env'] {
  const { values } = parseCommand(
    args,
    { host: { type: 'string' }, port: { type: 'string' }, db: { type: 'string' } },
    { min: 0, max: 0, names: '' },
  );
  const env = { ...io.env };
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = values[flag as keyof typeof FLAG_VARIABLES];
    if (value === undefined) continue;
    const previous = env[variable];
    if (previous !== undefined && previous !== '' && previous !== value)
      io.err(`--${flag} ${value} overrides ${variable}=${previous}`);
    env[variable] = value;
  }
  return env;
}

/** Fails with the setting to change when the address is taken, before any database is created or migrated. */
async function checkPortFree(config: Readonly<Config>): Promise<void> {
  if (config.port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(config.port, config.host, resolve);
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${code ?? (err as Error).message})`;
    throw new ConfigError(
      'OM_PORT',
      `${config.host}:${config.port} ${why}; choose another port with OM_PORT or --port`,
    );
  } finally {
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

export const serveCommand: Command = {
  summary: 'run the HTTP API (OM_PORT, OM_HOST)',
  help: `usage: openmemory serve [--host H] [--port N] [--db FILE]
  Serves the HTTP API and MCP (POST /mcp) on OM_HOST:OM_PORT (default 127.0.0.1:8080) over the
  database configured by OM_* variables. --host, --port and --db set OM_HOST, OM_PORT and
  OM_DB_PATH for this run (a flag wins over the variable, and says so). Stops gracefully on
  SIGINT/SIGTERM.`,
  async run(args, io) {
    const env = withFlags(args, io);
    io = { ...io, env };
    const config = loadConfig(env);
    // Refuse an exposed unauthenticated bind, or a taken port, before anything is opened or created.
    checkBind(config);
    await checkPortFree(config);
    const log = createLogger(config.logLevel);
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const { engine, keys, location } = await openEngine(config, io, log, () => stop());
    let server: RunningServer;
    try {
      server = await startServer({ config, engine, keys, log });
    } catch (err) {
      await engine.close();
      throw err;
    }
    io.out(`OpenMemory listening on ${server.url}`);
    io.out(`store: ${location}`);
    log.info(
      config.apiKey
        ? 'authentication on: requests need OM_API_KEY or a user key'
        : 'authentication off: OM_API_KEY is not set, so every local caller is admin (the server binds to loopback only)',
    );
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    await stopped;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await server.close().catch((err: unknown) => log.error('shutdown failed', { error: err }));
    return process.exitCode === 1 ? 1 : 0;
  },
};
