/**
 * The remote client: the {@link MemoryApi} over the HTTP API with `fetch`.
 * Loads no server, database or native code (test/sdk/client-imports.test.ts proves it),
 * so it runs wherever `fetch` does.
 */
import { ERRORS, isErrorCode, OmError, type ErrorCode } from '../errors.js';
import { DEFAULT_USER_NAME } from '../interfaces/default-user.js';
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

export interface MemoryClientOptions {
  /** Default `http://localhost:8080`. */
  url?: string;
  apiKey?: string;
  /** Per request, default 60 000 ms. */
  timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * The server's own code when it sent one of the catalogue's; otherwise (a proxy, another server)
 * the first code of the catalogue with that status.
 */
function codeFor(status: number, sent: unknown): ErrorCode {
  if (isErrorCode(sent)) return sent;
  const match = (Object.keys(ERRORS) as ErrorCode[]).find((code) => ERRORS[code].status === status);
  return match ?? (status >= 500 ? 'internal' : 'validation_error');
}

const userQuery = (userId: string | null | undefined): Record<string, string> =>
  userId === undefined || userId === null || userId === '' ? {} : { user_id: userId };

/** The HTTP routes name users in the path, where the default user goes by its reserved name. */
function userPath(userId: string | null | undefined, rest: string): string {
  const named = userId === undefined || userId === null || userId === '' ? DEFAULT_USER_NAME : userId;
  return `/users/${encodeURIComponent(named)}${rest}`;
}

export class MemoryClient implements MemoryApi {
  readonly url: string;
  readonly #apiKey: string | null;
  readonly #timeoutMs: number;

  constructor(options: MemoryClientOptions = {}) {
    this.url = (options.url ?? 'http://localhost:8080').replace(/\/+$/, '');
    this.#apiKey = options.apiKey ?? null;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  async #request<T>(method: Method, path: string, body?: unknown, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}${qs ? `?${qs}` : ''}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new OmError('unavailable', `cannot reach ${this.url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // A non-JSON answer is reported below by status; its text is not trusted as a message.
    }
    if (!res.ok) {
      const info = (parsed ?? {}) as { error?: unknown; message?: unknown };
      const message = typeof info.message === 'string' ? info.message : `${res.status} ${res.statusText}`;
      throw new OmError(codeFor(res.status, info.error), message, { status: res.status, error: info.error });
    }
    return parsed as T;
  }

  add(content: string, options: AddOptions = {}): Promise<AddResult> {
    return this.#request('POST', '/memory/add', { content, ...options });
  }

  search(query: string, options: SearchOptions = {}): Promise<QueryResult> {
    const { k, user_id, ...filters } = options;
    return this.#request('POST', '/memory/query', { query, ...(k !== undefined ? { k } : {}), user_id, filters });
  }

  query(query: string, options?: SearchOptions): Promise<QueryResult> {
    return this.search(query, options);
  }

  get(id: string, options: UserOption = {}): Promise<MemoryView> {
    return this.#request('GET', `/memory/${encodeURIComponent(id)}`, undefined, userQuery(options.user_id));
  }

  async list(options: ListOptions = {}): Promise<MemoryView[]> {
    const query: Record<string, string> = { ...userQuery(options.user_id) };
    if (options.limit !== undefined) query.limit = String(options.limit);
    if (options.offset !== undefined) query.offset = String(options.offset);
    if (options.sector) query.sector = options.sector;
    return (await this.#request<{ items: MemoryView[] }>('GET', '/memory/all', undefined, query)).items;
  }

  async update(id: string, changes: UpdateOptions): Promise<MemoryView> {
    await this.#request('PATCH', `/memory/${encodeURIComponent(id)}`, changes);
    return this.get(id, { user_id: changes.user_id ?? null });
  }

  async delete(id: string, options: UserOption = {}): Promise<void> {
    await this.#request('DELETE', `/memory/${encodeURIComponent(id)}`, undefined, userQuery(options.user_id));
  }

  async history(id: string, options: UserOption = {}): Promise<HistoryView[]> {
    const path = `/memory/${encodeURIComponent(id)}/history`;
    const answer = await this.#request<{ history: HistoryView[] }>('GET', path, undefined, userQuery(options.user_id));
    return answer.history;
  }

  async reinforce(id: string, options: ReinforceOptions = {}): Promise<number> {
    return (await this.#request<{ salience: number }>('POST', '/memory/reinforce', { id, ...options })).salience;
  }

  userSummary(userId?: string | null): Promise<UserSummaryView> {
    return this.#request('GET', userPath(userId, '/summary'));
  }

  async regenerateUserSummary(userId?: string | null): Promise<UserSummaryView> {
    const { ok: _ok, ...summary } = await this.#request<UserSummaryView & { ok: true }>(
      'POST',
      userPath(userId, '/summary/regenerate'),
      {},
    );
    return summary;
  }

  async deleteUser(userId?: string | null): Promise<DeletedCounts> {
    return (await this.#request<{ counts: DeletedCounts }>('DELETE', userPath(userId, '/memories'))).counts;
  }

  createApiKey(userId: string | null, label?: string): Promise<CreatedApiKey> {
    return this.#request('POST', '/admin/keys', { user_id: userId, ...(label !== undefined ? { label } : {}) });
  }

  async listApiKeys(): Promise<ApiKeyView[]> {
    return (await this.#request<{ keys: ApiKeyView[] }>('GET', '/admin/keys')).keys;
  }

  async revokeApiKey(id: string): Promise<void> {
    await this.#request('DELETE', `/admin/keys/${encodeURIComponent(id)}`);
  }

  /** Nothing to release: every request is independent. */
  async close(): Promise<void> {}
}
