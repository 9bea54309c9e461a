/**
 * Fetches a page for /memory/ingest/url with a size limit enforced while streaming, a timeout,
 * http(s) only, and typed 4xx errors for everything that can go wrong on the other side.
 */
import { OmError } from '../../errors.js';
import { assertPublicHost } from './address-policy.js';
import { sourceOfPage, type Extraction } from './extract.js';
import type { DocumentParser } from './parser.js';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxBytes: 10_000_000, timeoutMs: 15_000 };

const MAX_REDIRECTS = 5;

async function readLimited(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw new OmError('payload_too_large', `url: the page is larger than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > maxBytes) throw new OmError('payload_too_large', `url: the page is larger than ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OmError('validation_error', 'url: not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OmError('validation_error', `url: only http and https are supported, got ${url.protocol}`);
  }
  return url;
}

/** Follows redirects by hand so that every hop passes the address policy. */
async function fetchFollowing(start: URL, signal: AbortSignal, allowPrivate: boolean): Promise<{ res: Response; url: URL }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    if (!allowPrivate) await assertPublicHost(url.hostname);
    const res = await fetch(url, { signal, redirect: 'manual', headers: { accept: 'text/html,text/plain,text/markdown,application/pdf;q=0.9,*/*;q=0.5' } });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { res, url };
    await res.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new OmError('validation_error', `url: more than ${MAX_REDIRECTS} redirects`);
    url = parseHttpUrl(new URL(location, url).toString());
  }
}

export async function fetchDocument(
  rawUrl: string,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  options: { allowPrivate: boolean; parser: DocumentParser },
): Promise<Extraction> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let fetched: { res: Response; url: URL };
  let body: Buffer;
  try {
    fetched = await fetchFollowing(parseHttpUrl(rawUrl), signal, options.allowPrivate);
    if (!fetched.res.ok) {
      await fetched.res.body?.cancel();
      throw new OmError('validation_error', `url: the server answered HTTP ${fetched.res.status}`);
    }
    body = await readLimited(fetched.res, limits.maxBytes);
  } catch (err) {
    if (err instanceof OmError) throw err;
    if (signal.aborted) throw new OmError('validation_error', `url: no complete answer within ${limits.timeoutMs} ms`);
    throw new OmError('validation_error', `url: could not fetch (${(err as Error).message})`);
  }
  const mime = (fetched.res.headers.get('content-type') ?? 'text/html').split(';')[0]!.trim().toLowerCase();
  const extra = { source_url: fetched.url.toString(), fetched_at: new Date().toISOString() };
  const doc = await options.parser.extract(sourceOfPage(mime, body));
  return { text: doc.text, extraction: { ...doc.extraction, ...extra, content_type: 'url', mime_type: mime } };
}
