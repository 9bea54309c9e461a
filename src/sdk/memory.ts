/**
 * The embedded SDK: the {@link MemoryApi} on an in-process engine. The constructor is
 * synchronous; the database opens on first use, so the upstream three-line example works:
 *
 * @example
 * const mem = new Memory();
 * await mem.add('I like green tea', { user_id: 'alice' });
 * const { matches } = await mem.search('tea', { user_id: 'alice' });
 */
import { loadConfig, type Config } from '../config.js';
import { Memory as Engine } from '../engine/memory.js';
import { notFound } from '../errors.js';
import { apiKeyView, createUserKey } from '../interfaces/http/auth.js';
import { requestedUser } from '../interfaces/default-user.js';
import { toAddInput, toListInput, toQueryInput } from '../interfaces/wire-input.js';
import { userScope, type UserScope } from '../store/scope.js';
import type {
  AddOptions,
  AddResult,
  ApiKeyView,
  CreatedApiKey,
  DeletedCounts,
  ListOptions,
  MemoryApi,
  HistoryView,
  MemoryView,
  QueryResult,
  ReinforceOptions,
  SearchOptions,
  UpdateOptions,
  UserOption,
  UserSummaryView,
} from './types.js';

export interface MemoryOptions {
  /** A complete configuration; otherwise it is read from `env` (default `process.env`). */
  config?: Readonly<Config>;
  env?: Record<string, string | undefined>;
  /** SQLite file, overriding OM_DB_PATH. */
  path?: string;
  /** Run decay, pruning and summary jobs in the background (default true; their timers never keep the process alive). */
  jobs?: boolean;
}

/** `@default` names the default user here too, as on every interface. */
const scopeOf = (userId: string | null | undefined): UserScope => userScope(requestedUser(userId));

/** A library is quiet unless asked: warnings and errors only, unless OM_LOG_LEVEL says otherwise. */
function configOf(options: MemoryOptions): Readonly<Config> {
  if (options.config) return options.config;
  const env = { OM_LOG_LEVEL: 'warn', ...(options.env ?? process.env) };
  return loadConfig(options.path === undefined ? env : { ...env, OM_DB_PATH: options.path });
}

export class Memory implements MemoryApi {
  readonly #options: MemoryOptions;
  #engine: Promise<Engine> | null = null;

  constructor(options: MemoryOptions = {}) {
    this.#options = options;
  }

  /** The underlying engine, opened on first call (CLI and advanced use). */
  engine(): Promise<Engine> {
    this.#engine ??= Engine.open({ config: configOf(this.#options), jobs: this.#options.jobs ?? true });
    return this.#engine;
  }

  async add(content: string, options: AddOptions = {}): Promise<AddResult> {
    const { user_id, ...fields } = options;
    return (await this.engine()).add(scopeOf(user_id), toAddInput({ content, ...fields }));
  }

  async search(query: string, options: SearchOptions = {}): Promise<QueryResult> {
    const { user_id, k, ...filters } = options;
    return (await this.engine()).query(scopeOf(user_id), toQueryInput(query, k, filters));
  }

  query(query: string, options?: SearchOptions): Promise<QueryResult> {
    return this.search(query, options);
  }

  async get(id: string, options: UserOption = {}): Promise<MemoryView> {
    return (await this.engine()).get(scopeOf(options.user_id), id);
  }

  async list(options: ListOptions = {}): Promise<MemoryView[]> {
    return (await this.engine()).list(scopeOf(options.user_id), toListInput(options));
  }

  async update(id: string, changes: UpdateOptions): Promise<MemoryView> {
    const { user_id, ...patch } = changes;
    return (await this.engine()).update(scopeOf(user_id), id, patch);
  }

  async delete(id: string, options: UserOption = {}): Promise<void> {
    await (await this.engine()).delete(scopeOf(options.user_id), id);
  }

  async history(id: string, options: UserOption = {}): Promise<HistoryView[]> {
    return (await this.engine()).history(scopeOf(options.user_id), id);
  }

  async reinforce(id: string, options: ReinforceOptions = {}): Promise<number> {
    return (await this.engine()).reinforce(scopeOf(options.user_id), id, options.boost);
  }

  async userSummary(userId?: string | null): Promise<UserSummaryView> {
    return (await this.engine()).userSummary(scopeOf(userId));
  }

  async regenerateUserSummary(userId?: string | null): Promise<UserSummaryView> {
    return (await this.engine()).regenerateSummary(scopeOf(userId));
  }

  async deleteUser(userId?: string | null): Promise<DeletedCounts> {
    return (await this.engine()).deleteUser(scopeOf(userId));
  }

  async createApiKey(userId: string | null, label?: string): Promise<CreatedApiKey> {
    return createUserKey((await this.engine()).store, userId, label ?? null);
  }

  async listApiKeys(): Promise<ApiKeyView[]> {
    return (await (await this.engine()).store.adminListApiKeys()).map(apiKeyView);
  }

  async revokeApiKey(id: string): Promise<void> {
    if (!(await (await this.engine()).store.adminRevokeApiKey(id, Date.now()))) throw notFound('API key');
  }

  /** Closes the database if it was opened. */
  async close(): Promise<void> {
    const opening = this.#engine;
    this.#engine = null;
    if (opening) await (await opening).close();
  }
}
