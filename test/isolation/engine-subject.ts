/**
 * The isolation subject over the engine itself (Memory on a SQLite file or a PostgreSQL schema),
 * with an independent raw connection for fingerprints and integrity counts.
 */
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { Memory } from '../../src/engine/memory.js';
import { OmError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { userScope } from '../../src/store/scope.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';
import { integrity, openRawPg, openRawSqlite, userFingerprints, type RawDb } from './rawdb.js';
import type { Outcome, Subject, User } from './subject.js';

export type BackendName = 'sqlite' | 'postgres';

/** Reflection fires on small users so the property exercises it. */
const PROPERTY_ENV = { OM_LOG_LEVEL: 'silent', OM_REFLECT_MIN_MEMORIES: '2' };

export interface OpenedDb {
  config: Readonly<Config>;
  memory: Memory;
  /** Error lines the engine logged (its jobs never reject). */
  loggedErrors: string[];
  raw: RawDb;
  /** Env that points another process at the same database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function openDb(backend: BackendName, extraEnv: Record<string, string> = {}): Promise<OpenedDb> {
  const loggedErrors: string[] = [];
  const logger = createLogger('error', {}, (line) => void loggedErrors.push(line));
  if (backend === 'sqlite') {
    const tmp = tmpDir('om-iso-');
    const env = { OM_DB_PATH: path.join(tmp.dir, 'om.sqlite') };
    const config = loadConfig({ ...PROPERTY_ENV, ...env, ...extraEnv });
    const memory = await Memory.open({ config, jobs: false, logger });
    const raw = openRawSqlite(config.dbPath);
    const cleanup = async () => {
      await raw.close();
      await memory.close();
      tmp.cleanup();
    };
    return { config, memory, loggedErrors, raw, env, cleanup };
  }
  const pg = await freshPgSchema('iso');
  const env = { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: pg.url, OM_PG_SCHEMA: pg.schema };
  const config = loadConfig({ ...PROPERTY_ENV, ...env, ...extraEnv });
  const memory = await Memory.open({ config, jobs: false, logger });
  const raw = await openRawPg(pg.url, pg.schema);
  const cleanup = async () => {
    await raw.close();
    await memory.close();
    await pg.drop();
  };
  return { config, memory, loggedErrors, raw, env, cleanup };
}

/** Runs `fn`, turning an OmError into its code; anything else is a real failure and propagates. */
export async function outcome<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof OmError) return { ok: false, code: err.code };
    throw err;
  }
}

export function engineSubject(db: OpenedDb, name: string): Subject {
  const m = db.memory;
  const s = (u: User) => userScope(u);
  return {
    name,
    add: async (u, content, tags) => {
      const r = await m.add(s(u), { content, tags });
      return { id: r.id, deduplicated: r.deduplicated === true };
    },
    query: async (u, text, k) => (await m.query(s(u), { query: text, k })).matches,
    page: (u, limit, offset) => m.list(s(u), { limit, offset }),
    get: (u, id) => outcome(() => m.get(s(u), id)),
    update: (u, id, content) => outcome(() => m.update(s(u), id, { content })),
    delete: (u, id) => outcome(() => m.delete(s(u), id)),
    reinforce: (u, id) => outcome(() => m.reinforce(s(u), id)),
    summary: (u, regenerate) => (regenerate ? m.regenerateSummary(s(u)) : m.userSummary(s(u))),
    count: async (u) => (await m.userStats(s(u))).memories,
    deleteUser: async (u) => (await m.deleteUser(s(u))).memories,
    runJob: (job) => m.runJob(job),
    reset: async (u) => void (await m.deleteUser(s(u))),
    settle: () => m.settle(),
    fingerprints: (users) => userFingerprints(db.raw, users),
    drainLoggedErrors: () => db.loggedErrors.splice(0),
    integrity: () => integrity(db.raw),
  };
}
