/**
 * Reads a JSON request body with the size limit enforced while streaming (a huge body is cut off
 * at the limit, not buffered). A missing or empty body is `{}` on every route. The content type
 * is not checked: `curl -d` and `fetch(url, {body: string})` label JSON as form data or text.
 */
import { OmError } from '../../errors.js';

export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return {};
  const reader = req.body.getReader();
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
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OmError('validation_error', 'request body is not valid JSON');
  }
  // v1.2 treated an unparsable or empty body as null and carried on; a literal null is "no body" too.
  return parsed === null ? {} : parsed;
}

function tooLarge(maxBytes: number): OmError {
  return new OmError('payload_too_large', `request body exceeds ${maxBytes} bytes (OM_MAX_PAYLOAD_SIZE)`);
}
