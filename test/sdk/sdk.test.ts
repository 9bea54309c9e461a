/** The SDK behaviour suite: embedded Memory and MemoryClient over HTTP, each on SQLite and on PostgreSQL. */
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { Memory, MemoryClient } from '../../src/sdk/index.js';
import { listeningServer } from '../helpers/listening-server.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';
import { sdkBehaviour } from './behaviour.js';

const ADMIN = 'sdk-admin-key-0123456789';

sdkBehaviour({
  name: 'embedded',
  async open() {
    const tmp = tmpDir('om-sdk-');
    const api = new Memory({ path: path.join(tmp.dir, 'om.sqlite'), env: { OM_LOG_LEVEL: 'silent' }, jobs: false });
    const cleanup = async () => {
      await api.close();
      tmp.cleanup();
    };
    return { api, cleanup };
  },
});

sdkBehaviour({
  name: 'embedded, PostgreSQL',
  async open() {
    const pg = await freshPgSchema('sdk');
    const config = loadConfig({
      OM_METADATA_BACKEND: 'postgres',
      OM_PG_URL: pg.url,
      OM_PG_SCHEMA: pg.schema,
      OM_LOG_LEVEL: 'silent',
    });
    const api = new Memory({ config, jobs: false });
    const cleanup = async () => {
      await api.close();
      await pg.drop();
    };
    return { api, cleanup };
  },
});

sdkBehaviour({
  name: 'remote',
  async open() {
    const server = await listeningServer(ADMIN);
    return { api: new MemoryClient({ url: server.url, apiKey: ADMIN }), cleanup: () => server.close() };
  },
});

sdkBehaviour({
  name: 'remote, PostgreSQL',
  async open() {
    const pg = await freshPgSchema('sdkr');
    const server = await listeningServer(ADMIN, {
      OM_METADATA_BACKEND: 'postgres',
      OM_PG_URL: pg.url,
      OM_PG_SCHEMA: pg.schema,
    });
    return {
      api: new MemoryClient({ url: server.url, apiKey: ADMIN }),
      cleanup: async () => {
        await server.close();
        await pg.drop();
      },
    };
  },
});
