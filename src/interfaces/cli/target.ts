/**
 * Where a command runs: against a server through the SDK's remote client (`--url`, `--api-key`)
 * or in-process on the local database configured by the environment (embedded SDK).
 */
import type { Memory as Engine } from '../../engine/memory.js';
import { MemoryClient } from '../../sdk/client.js';
import { Memory } from '../../sdk/memory.js';
import type { MemoryApi } from '../../sdk/types.js';
import { UsageError } from './args.js';
import type { Io } from './io.js';

export interface TargetFlags {
  url?: string | undefined;
  'api-key'?: string | undefined;
}

/** The CLI is quiet unless asked: engine start-up lines would drown the output. */
export const cliEnv = (io: Io) => ({ OM_LOG_LEVEL: 'warn', ...io.env });

function localMemory(io: Io): Memory {
  return new Memory({ env: cliEnv(io), jobs: false });
}

/** A server URL as given on the command line: http(s) with a host, or a usage error that shows one. */
function serverUrl(value: string): string {
  let u: URL | null = null;
  try {
    u = new URL(value);
  } catch {
    // reported below
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') {
    throw new UsageError(`--url must be an http(s) URL such as http://127.0.0.1:8080, got "${value}"`);
  }
  return value;
}

/**
 * The remote client for `--url`, with the key from `--api-key` or else OM_API_KEY (a key on the
 * command line is visible to every user of the machine in `ps`; the environment is not).
 */
function remoteMemory(flags: TargetFlags & { url: string }, io: Io): MemoryClient {
  const apiKey = flags['api-key'] ?? io.env.OM_API_KEY;
  return new MemoryClient({ url: serverUrl(flags.url), ...(apiKey ? { apiKey } : {}) });
}

export async function withTarget<T>(flags: TargetFlags, io: Io, run: (api: MemoryApi) => Promise<T>): Promise<T> {
  if (flags['api-key'] !== undefined && flags.url === undefined) throw new UsageError('--api-key needs --url');
  const api: MemoryApi = flags.url !== undefined ? remoteMemory({ ...flags, url: flags.url }, io) : localMemory(io);
  try {
    return await run(api);
  } finally {
    await api.close();
  }
}

/** For work that needs the database itself (users list, stats, import, export). */
export async function withLocalEngine<T>(flags: TargetFlags, io: Io, run: (engine: Engine) => Promise<T>): Promise<T> {
  if (flags.url !== undefined) throw new UsageError('this command works on the local database only (drop --url)');
  const memory = localMemory(io);
  try {
    return await run(await memory.engine());
  } finally {
    await memory.close();
  }
}
