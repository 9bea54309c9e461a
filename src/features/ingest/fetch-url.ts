/**
 * Fetches a page for /memory/ingest/url with a size limit enforced while streaming, a timeout,
 * http(s) only, and typed 4xx errors for everything that can go wrong on the other side.
 *
 * Requests go through node:http(s) rather than `fetch` so that the address policy is applied where
 * the socket connects (guarded-lookup.ts): checking a name first and letting `fetch` resolve it
 * again let a rebinding name pass the check with a public address and connect to loopback.
 */
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { OmError } from '../../errors.js';
import { sourceOfPage, type Extraction } from './extract.js';
import { guardedLookup, refusedAddress, systemResolver, type AddressPolicy, type Resolver } from './guarded-lookup.js';
import type { DocumentParser } from './parser.js';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxBytes: 10_000_000, timeoutMs: 15_000 };

export interface FetchOptions {
  /** Addresses the fetch may connect to, on every hop: public ones unless the caller is the admin. */
  allowed: AddressPolicy;
  /** Host name resolution (the system's by default; tests answer names themselves). */
  resolve?: Resolver;
  /** Converts the page in a parser process, within the ingestion limits. */
  parser: DocumentParser;
}

const MAX_REDIRECTS = 5;

const ACCEPT = 'text/html,text/plain,text/markdown,application/pdf;q=0.9,*/*;q=0.5';

/** Identity is asked for; these are decoded when a server compresses anyway (the size limit counts decoded bytes). */
const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

const tooLarge = (maxBytes: number) =>
  new OmError('payload_too_large', `url: the page is larger than ${maxBytes} bytes`);

function decodedBody(res: IncomingMessage): AsyncIterable<Buffer> {
  const encoding = String(res.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return res;
  const decoder = DECODERS[encoding];
  if (!decoder) throw new OmError('unsupported_media', `url: unsupported content encoding ${encoding}`);
  return pipeline(res, decoder(), () => {}) as unknown as AsyncIterable<Buffer>;
}

async function readLimited(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of decodedBody(res)) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
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

/** One request on a fresh socket (no pooled connection to an earlier hop's address). */
function send(url: URL, signal: AbortSignal, options: FetchOptions): Promise<IncomingMessage> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address is connected to as is, without a lookup: it is checked here instead.
  if (isIP(host) !== 0 && !options.allowed(host)) return Promise.reject(refusedAddress(host));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      agent: false,
      signal,
      lookup: guardedLookup(options.resolve ?? systemResolver, options.allowed),
      headers: { accept: ACCEPT, 'accept-encoding': 'identity' },
    });
    req.once('response', resolve);
    req.on('error', reject);
    req.end();
  });
}

interface Fetched {
  res: IncomingMessage;
  url: URL;
}

/** Follows redirects by hand so that every hop passes the address policy. */
async function fetchFollowing(start: URL, signal: AbortSignal, options: FetchOptions): Promise<Fetched> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const res = await send(url, signal, options);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status < 300 || status >= 400 || !location) return { res, url };
    res.destroy();
    if (hop >= MAX_REDIRECTS) throw new OmError('validation_error', `url: more than ${MAX_REDIRECTS} redirects`);
    url = parseHttpUrl(new URL(location, url).toString());
  }
}

export async function fetchDocument(
  rawUrl: string,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  options: FetchOptions,
): Promise<Extraction> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let fetched: Fetched;
  let body: Buffer;
  try {
    fetched = await fetchFollowing(parseHttpUrl(rawUrl), signal, options);
    try {
      const status = fetched.res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        throw new OmError('validation_error', `url: the server answered HTTP ${status}`);
      }
      body = await readLimited(fetched.res, limits.maxBytes);
    } finally {
      fetched.res.destroy();
    }
  } catch (err) {
    if (err instanceof OmError) throw err;
    if (signal.aborted) throw new OmError('validation_error', `url: no complete answer within ${limits.timeoutMs} ms`);
    throw new OmError('validation_error', `url: could not fetch (${(err as Error).message})`);
  }
  const mime = (fetched.res.headers['content-type'] ?? 'text/html').split(';')[0]!.trim().toLowerCase();
  const extra = { source_url: fetched.url.toString(), fetched_at: new Date().toISOString() };
  const doc = await options.parser.extract(sourceOfPage(mime, body));
  return { text: doc.text, extraction: { ...doc.extraction, ...extra, content_type: 'url', mime_type: mime } };
}
