/**
 * The HTTP client every remote embedding provider shares: one JSON POST with a timeout per
 * attempt, retries with exponential backoff on 429/5xx/network failures (honouring
 * `Retry-After`), a bound on requests in flight, and errors that name the provider and host
 * (never the URL: Gemini carries its key in the query string).
 */
import { OmError } from '../errors.js';

export type ProviderFailure =
  | 'auth'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'unreachable'
  | 'not_found'
  | 'bad_request'
  | 'bad_response';

/** A provider call that failed for good; `failure` says why, `status` is the last HTTP status. */
export class ProviderError extends OmError {
  constructor(
    readonly provider: string,
    readonly host: string,
    readonly failure: ProviderFailure,
    message: string,
    readonly status: number | null = null,
    readonly body: unknown = null,
  ) {
    super('upstream_unavailable', `embedding provider ${provider} at ${host}: ${message}`, {
      provider,
      host,
      failure,
      status,
    });
    this.name = 'ProviderError';
  }
}

export interface HttpClientOptions {
  provider: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  /** A `Retry-After` longer than this is not waited for: the call fails at once. */
  maxRetryDelayMs: number;
  concurrency: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (delayMs: number, reason: string) => void;
  /** Time of each HTTP attempt, from sending to the end of the answer (queueing excluded). */
  onAttempt?: (ms: number, ok: boolean) => void;
}

export interface JsonRequest {
  url: string;
  headers?: Record<string, string>;
  /** Already serialised, so a signature can cover the exact bytes sent. */
  body: string;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504, 529]);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; `null` when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Google APIs give the wait in the error body instead: `error.details[].retryDelay`, e.g. `"37s"`. */
function retryDelayInBody(body: unknown): number | null {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return null;
  for (const d of details) {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(String((d as { retryDelay?: unknown } | null)?.retryDelay ?? ''));
    if (m) return Math.round(Number(m[1]) * 1000);
  }
  return null;
}

/** The most useful message inside a provider's error body (OpenAI, Gemini, Ollama and AWS shapes). */
function errorMessage(body: unknown, text: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const err = b.error;
    if (typeof err === 'string') return err;
    if (err && typeof err === 'object' && typeof (err as Record<string, unknown>).message === 'string') {
      return (err as Record<string, string>).message!;
    }
    if (typeof b.message === 'string') return b.message;
    if (typeof b.Message === 'string') return b.Message;
  }
  return text.trim().slice(0, 300) || 'no error body';
}

function failureOf(status: number): ProviderFailure {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** Counts requests in flight and queues the rest. */
class ConcurrencyLimit {
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active < this.max) this.#active++;
    // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in between.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}

export class HttpClient {
  readonly #o: HttpClientOptions;
  readonly #limit: ConcurrencyLimit;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: HttpClientOptions) {
    this.#o = options;
    this.#limit = new ConcurrencyLimit(options.concurrency);
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** POSTs JSON and returns the parsed 2xx answer; `sign` adds headers computed over the final request. */
  postJson(request: JsonRequest, sign?: (r: JsonRequest) => Record<string, string>): Promise<unknown> {
    return this.#limit.run(async () => {
      for (let attempt = 0; ; attempt++) {
        const unsigned = { 'content-type': 'application/json', ...request.headers };
        const headers = { ...unsigned, ...sign?.({ ...request, headers: unsigned }) };
        let error: ProviderError;
        let retryAfter: number | null = null;
        const started = performance.now();
        try {
          const answer = await this.#attempt(request, headers);
          this.#o.onAttempt?.(performance.now() - started, true);
          return answer;
        } catch (e) {
          this.#o.onAttempt?.(performance.now() - started, false);
          if (!(e instanceof AttemptFailure)) throw e;
          error = e.error;
          retryAfter = e.retryAfter;
        }
        const retryable = error.status === null ? error.failure !== 'bad_response' : RETRYABLE.has(error.status);
        if (!retryable || attempt >= this.#o.maxRetries) throw error;
        const delay = retryAfter ?? Math.min(this.#o.maxRetryDelayMs, this.#o.retryBaseMs * 2 ** attempt);
        if (delay > this.#o.maxRetryDelayMs) throw error;
        this.#o.onRetry?.(delay, error.failure);
        await this.#sleep(delay);
      }
    });
  }

  async #attempt(request: JsonRequest, headers: Record<string, string>): Promise<unknown> {
    const host = hostOf(request.url);
    const fail = (failure: ProviderFailure, message: string, status: number | null = null, body: unknown = null) =>
      new ProviderError(this.#o.provider, host, failure, message, status, body);
    let res: Response;
    let text: string;
    try {
      res = await fetch(request.url, {
        method: 'POST',
        headers,
        body: request.body,
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        throw new AttemptFailure(fail('timeout', `no answer within ${this.#o.timeoutMs} ms`));
      }
      // fetch hides the reason in `cause`: a socket error code, or a message such as "bad port".
      const code = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new AttemptFailure(fail('unreachable', `cannot connect (${code})`));
    }
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      if (res.ok) throw new AttemptFailure(fail('bad_response', 'answered with a body that is not JSON', res.status));
    }
    if (res.ok) return body;
    const failure = failureOf(res.status);
    const what =
      failure === 'auth'
        ? 'rejected the credentials'
        : failure === 'rate_limited'
          ? 'rate limited the request'
          : 'failed';
    throw new AttemptFailure(
      fail(failure, `${what} (HTTP ${res.status}: ${errorMessage(body, text)})`, res.status, body),
      parseRetryAfter(res.headers.get('retry-after')) ?? retryDelayInBody(body),
    );
  }
}

class AttemptFailure extends Error {
  constructor(
    readonly error: ProviderError,
    readonly retryAfter: number | null = null,
  ) {
    super(error.message);
  }
}

export function hostOf(url: string): string {
  return new URL(url).host;
}
