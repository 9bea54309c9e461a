/**
 * The engine tests run once per backend: a Memory on a temporary SQLite file and one on a
 * fresh PostgreSQL schema. Jobs are not scheduled; tests run them on demand.
 */
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { Memory, type OpenOptions } from '../../src/engine/memory.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

export interface OpenedEngine {
  memory: Memory;
  cleanup: () => Promise<void>;
}

/** One empty database; `config` may be called several times to reopen it. */
export interface Database {
  config(env?: Record<string, string>): Readonly<Config>;
  drop(): Promise<void>;
}

export interface Backend {
  name: string;
  database(): Promise<Database>;
  open(env?: Record<string, string>, options?: Omit<OpenOptions, 'config'>): Promise<OpenedEngine>;
}

const QUIET = { OM_LOG_LEVEL: 'silent' };

function backend(name: string, database: () => Promise<Database>): Backend {
  return {
    name,
    database,
    async open(env = {}, options = {}) {
      const db = await database();
      const memory = await Memory.open({ jobs: false, ...options, config: db.config(env) });
      const cleanup = async () => {
        await memory.close();
        await db.drop();
      };
      return { memory, cleanup };
    },
  };
}

export const BACKENDS: Backend[] = [
  backend('sqlite', async () => {
    const tmp = tmpDir();
    return {
      config: (env = {}) => loadConfig({ ...QUIET, OM_DB_PATH: path.join(tmp.dir, 'om.sqlite'), ...env }),
      drop: async () => tmp.cleanup(),
    };
  }),
  backend('postgres', async () => {
    const pg = await freshPgSchema('eng');
    return {
      config: (env = {}) =>
        loadConfig({ ...QUIET, OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema, ...env }),
      drop: pg.drop,
    };
  }),
];

/** A clock tests can move. */
export function testClock(start = Date.UTC(2026, 10, 24, 12)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
