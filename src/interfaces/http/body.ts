/**
 * Reads a JSON request body with the size limit enforced while reading (a huge body is cut off
 * at the limit, not buffered). A missing or empty body is `{}` on every route.
 *
 * On a Node server the body is read from the Node request itself: reaching it through the Fetch
 * request builds a web stream, an abort controller and a Request per request, objects the
 * collector can only free in a full collection.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { OmError } from '../../errors.js';
import { nestedDeeperThan } from '../json-depth.js';
import { nodeRequest, type AppEnv } from './context.js';

/** No request shape nests this deep; a deeper body is refused before anything walks it recursively. */
export const MAX_BODY_DEPTH = 64;

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

const isJson = (type: string | undefined) => type?.split(';')[0]?.trim().toLowerCase() === 'application/json';

/**
 * Every write is labelled `Content-Type: application/json`, else 415. A browser sends a page's
 * cross-origin POST without asking first (a preflight) only as text, form data or nothing, so
 * this label forces the preflight that OM_CORS_ORIGINS decides. A DELETE (or PATCH) without a
 * body may go unlabelled: no page can send one to another origin without a preflight.
 */
export const jsonWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  const write = !READ_ONLY.has(method) && (method === 'POST' || hasBody(c.req.raw.headers));
  if (write && !isJson(c.req.header('content-type'))) {
    throw new OmError('unsupported_media', `${method} bodies must be sent as Content-Type: application/json`);
  }
  await next();
};

function hasBody(headers: Headers): boolean {
  const length = headers.get('content-length');
  return headers.has('content-type') || headers.has('transfer-encoding') || (length !== null && length.trim() !== '0');
}

export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const req = c.req.raw;
  const incoming = nodeRequest(c);
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = incoming ? await readIncoming(incoming, maxBytes) : await readStream(req.body, maxBytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OmError('validation_error', 'request body is not valid JSON');
  }
  if (nestedDeeperThan(parsed, MAX_BODY_DEPTH)) {
    throw new OmError('validation_error', `request body nests objects or arrays more than ${MAX_BODY_DEPTH} levels`);
  }
  // v1.2 treated an unparsable or empty body as null and carried on; a literal null is "no body" too.
  return parsed === null ? {} : parsed;
}

/** Past the limit the rest is read and dropped, so the 413 still reaches the client on its connection. */
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= maxBytes) return void chunks.push(chunk);
      incoming.off('data', onData);
      incoming.resume();
      reject(tooLarge(maxBytes));
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(Buffer.concat(chunks)));
    incoming.once('error', reject);
  });
}

async function readStream(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): OmError {
  return new OmError('payload_too_large', `request body exceeds ${maxBytes} bytes (OM_MAX_PAYLOAD_SIZE)`);
}
