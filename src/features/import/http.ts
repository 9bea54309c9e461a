/**
 * JSON over HTTP for importers: rate limits (429) and passing server failures are waited out,
 * honouring `Retry-After`, a bounded number of times; anything else fails with the provider,
 * the status and the service's message (never the key).
 */
import { parseRetryAfter } from '../../embed/http.js';
import { OmError } from '../../errors.js';

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const MAX_RETRIES = 5;
const BASE_DELAY_MS = 500;
/** A service asking to wait longer than this is not waited for. */
const MAX_DELAY_MS = 60_000;
const TIMEOUT_MS = 30_000;

export interface JsonCall {
  provider: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function failure(call: JsonCall, message: string): OmError {
  return new OmError('upstream_unavailable', `${call.provider} at ${new URL(call.url).host}: ${message}`);
}

export async function requestJson(call: JsonCall): Promise<unknown> {
  const sleep = call.sleep ?? wait;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    let text: string;
    try {
      res = await fetch(call.url, {
        method: call.method,
        headers: {
          accept: 'application/json',
          ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...call.headers,
        },
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (attempt >= MAX_RETRIES) throw failure(call, `cannot connect (${e.cause?.code ?? e.message})`);
      await sleep(BASE_DELAY_MS * 2 ** attempt);
      continue;
    }
    if (res.ok) {
      try {
        return text === '' ? null : JSON.parse(text);
      } catch {
        throw failure(call, `answered HTTP ${res.status} with a body that is not JSON`);
      }
    }
    const delay = parseRetryAfter(res.headers.get('retry-after')) ?? BASE_DELAY_MS * 2 ** attempt;
    if (!RETRYABLE.has(res.status) || attempt >= MAX_RETRIES || delay > MAX_DELAY_MS) {
      const why = res.status === 401 || res.status === 403 ? 'rejected the API key' : 'failed';
      throw failure(call, `${why} (HTTP ${res.status}: ${text.trim().slice(0, 200) || 'no body'})`);
    }
    await sleep(delay);
  }
}

/** Calls of one provider with the source's options (its wait between retries). */
export function providerCalls(provider: string, o: { sleep?: (ms: number) => Promise<void> }) {
  return (call: Omit<JsonCall, 'provider' | 'sleep'>) =>
    requestJson({ ...call, provider, ...(o.sleep ? { sleep: o.sleep } : {}) });
}

/** `base` + `path` with query parameters; `base` may end with a slash or not. */
export function endpoint(base: string, path: string, query: Record<string, string | number> = {}): string {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  return url.toString();
}
