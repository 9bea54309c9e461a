/**
 * Calls to the server's API from the page: the key in a header, JSON bodies labelled as JSON
 * (the server refuses state changes without it), and errors turned into sentences.
 */
import { currentKey } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Sign-in watches for this: a key that stopped working (revoked) sends the person back to sign in. */
export const onUnauthorized: { handler: () => void } = { handler: () => {} };

function headers(json: boolean): Record<string, string> {
  const key = currentKey();
  return {
    ...(key ? { authorization: `Bearer ${key}` } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const write = method !== 'GET';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: headers(write),
      ...(write ? { body: JSON.stringify(body ?? {}) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server did not answer. Check that it is running, then reload the page.');
  }
  if (res.ok) return res;
  let code = 'error';
  let message = `${method} ${path} failed with status ${res.status}`;
  try {
    const e = (await res.json()) as { error?: string; message?: string };
    code = e.error ?? code;
    message = e.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) onUnauthorized.handler();
  throw new ApiError(res.status, code, message);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return (await (await send(method, path, body)).json()) as T;
}

export async function apiText(path: string): Promise<string> {
  return (await send('GET', path)).text();
}

export async function apiBlob(path: string): Promise<Blob> {
  return (await send('GET', path)).blob();
}

/** A query string from the defined values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
}
