/** A real server on an ephemeral port over a fresh SQLite file, with an admin key (interface tests). */
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { startServer } from '../../src/interfaces/http/server.js';
import { createLogger } from '../../src/log.js';
import { tmpDir } from './tmp.js';

export interface ListeningServer {
  url: string;
  /** The engine behind the server, to check what requests changed. */
  memory: Memory;
  close(): Promise<void>;
}

/** `env` adds to the configuration (another backend, for one). */
export async function listeningServer(adminKey: string, env: Record<string, string> = {}): Promise<ListeningServer> {
  const tmp = tmpDir('om-server-');
  const config = loadConfig({
    OM_DB_PATH: path.join(tmp.dir, 'om.sqlite'),
    OM_API_KEY: adminKey,
    OM_PORT: '0',
    OM_LOG_LEVEL: 'silent',
    ...env,
  });
  const log = createLogger('silent');
  const memory = await Memory.open({ config, logger: log, jobs: false });
  const server = await startServer({ config, engine: memory, keys: memory.store, log });
  return {
    url: server.url,
    memory,
    close: async () => {
      await server.close();
      tmp.cleanup();
    },
  };
}
