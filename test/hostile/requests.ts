/**
 * A generator of malformed requests for every HTTP route: wrong types and missing fields, random
 * JSON, huge and deeply nested bodies, invalid UTF-8, control characters, SQL-ish and
 * path-traversal strings, absurd numbers, other users' ids, wrong, revoked and missing keys,
 * wrong content types and wrong methods, and the documents of issue #25 (deep HTML, a DOCX zip
 * bomb, a PDF of thousands of pages, a cyclic page tree) as ingestion bodies.
 */
import fc from 'fast-check';
import { circularPagesPdf, deepHtml, docxBomb, manyPagesPdf } from '../helpers/docs/hostile-docs.js';

export interface RouteRef {
  method: string;
  /** OpenAPI form: `/memory/{id}`. */
  path: string;
}

export interface Pools {
  routes: RouteRef[];
  /** Memory ids of every seeded user (other users' ids included on purpose). */
  ids: string[];
  /** Named API keys: admin, user keys, revoked; `null` sends no key. */
  keys: Array<string | null>;
  users: string[];
}

export interface HostileRequest {
  method: string;
  url: string;
  route: RouteRef;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export const NASTY = [
  "' OR 1=1 --",
  "'; DROP TABLE memories; --",
  '"; DELETE FROM api_keys; --',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  'file:///etc/passwd',
  'http://127.0.0.1:1/x',
  '\u0000',
  '\u0001\u0002\u001b[31m\u007f',
  '\ud800',
  '\u202e\u2066evil',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, sent literally
  '${jndi:ldap://x/a}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'null',
  '',
  ' ',
  '東京'.repeat(40),
  '💥'.repeat(60),
  'x'.repeat(5000),
] as const;

const FIELDS = [
  'content',
  'tags',
  'metadata',
  'user_id',
  'query',
  'k',
  'filters',
  'id',
  'boost',
  'items',
  'content_type',
  'data',
  'url',
  'config',
  'sector',
  'sectors',
  'min_score',
  'salience',
  'created_at',
  'text',
  'texts',
  'algorithm',
  'event',
  'session_id',
  'namespace',
  'node',
  'label',
  'limit',
  'offset',
  '__proto__',
  'constructor',
] as const;

const BAD_NUMBERS = [-1, 0, -0, 1e308, -1e308, 2 ** 53 + 2, 1.5, 101, 1_000_001, Number.MIN_VALUE] as const;

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.constantFrom(...BAD_NUMBERS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), scalar, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

const b64 = (b: Buffer) => b.toString('base64');
/** Built once: each is cheap to send and was ruinous to parse. */
const HOSTILE_DOCUMENTS = [
  { content_type: 'html', data: deepHtml(16_000) },
  { content_type: 'docx', data: b64(docxBomb(30)) },
  { content_type: 'pdf', data: b64(manyPagesPdf(2000)) },
  { content_type: 'pdf', data: b64(circularPagesPdf()) },
].map((body) => JSON.stringify(body));

const rawBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_DOCUMENTS) },
  {
    weight: 6,
    arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  },
  { weight: 3, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '{',
      '{"content":',
      '[]]',
      'null',
      '',
      '\u0000',
      'content=x&user_id=bob',
      '{"content":"x"}{"content":"y"}',
    ),
  },
  {
    // Invalid UTF-8 inside an otherwise valid JSON document.
    weight: 2,
    arbitrary: fc
      .constantFrom([0xff, 0xfe], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80])
      .map(
        (bad) => new Uint8Array([...utf8('{"content":"a'), ...bad, ...utf8('b","query":"q'), ...bad, ...utf8('"}')]),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(1_000, 100_000)
      .map((d) => `{"content":"deep","metadata":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 200_000).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`) },
  { weight: 1, arbitrary: fc.constant(`{"content":"${'a'.repeat(1_100_000)}"}`) },
);

const CONTENT_TYPES = [
  // Mostly JSON: anything else is now a 415 before validation, which the other entries still try.
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
] as const;

/** Percent-encodes; a lone surrogate becomes its (invalid) UTF-8 bytes, itself a hostile input. */
function pct(s: string): string {
  return s
    .replace(/[\ud800-\udfff]/g, '\u0000')
    .split('\u0000')
    .map(encodeURIComponent)
    .join('%ED%A0%80');
}

const QUERY_KEYS = ['k', 'l', 'u', 'limit', 'offset', 'user_id', 'sector', 'hours', 'id'] as const;

const queryValue = fc.oneof(
  fc.constantFrom(...NASTY).map(pct),
  fc.constantFrom('NaN', '-1', '1e309', 'Infinity', '0x10', '-0', '99999999999999999999', '', '%zz', '%E0%A4%A', '%00'),
);

export function hostileRequest(pools: Pools): fc.Arbitrary<HostileRequest> {
  const pathValue = fc.oneof(
    fc.constantFrom(...pools.ids, ...pools.users).map(pct),
    fc
      .constantFrom(...NASTY)
      .filter((s) => s !== '')
      .map(pct),
    fc.constantFrom('..', '../admin/keys', '%2e%2e', '..%2F..%2Fadmin%2Fkeys', '%ff%fe', '%'),
  );
  return fc
    .record({
      route: fc.constantFrom(...pools.routes),
      wrongMethod: fc.oneof(
        { weight: 5, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND'),
        },
      ),
      param: pathValue,
      query: fc.dictionary(fc.constantFrom(...QUERY_KEYS), queryValue, { maxKeys: 3 }),
      key: fc.constantFrom(...pools.keys),
      keyHeader: fc.constantFrom(
        'bearer',
        'bearer',
        'bearer',
        'bearer',
        'x-api-key',
        'x-api-key',
        'apikey',
        'basic',
        'bare-bearer',
      ),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      body: fc.option(rawBody, { freq: 8 }),
    })
    .map((r) => {
      const path = r.route.path.replace(/\{[^}]+\}/g, r.param);
      const qs = Object.entries(r.query)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      const headers: Record<string, string> = {};
      if (r.contentType) headers['content-type'] = r.contentType;
      if (r.key !== null) {
        if (r.keyHeader === 'x-api-key') headers['x-api-key'] = r.key;
        else if (r.keyHeader === 'apikey') headers.authorization = `ApiKey ${r.key}`;
        else if (r.keyHeader === 'basic')
          headers.authorization = `Basic ${Buffer.from(`u:${r.key}`).toString('base64')}`;
        else if (r.keyHeader === 'bare-bearer') headers.authorization = 'Bearer ';
        else headers.authorization = `Bearer ${r.key}`;
      }
      const method = r.wrongMethod ?? r.route.method;
      const canHaveBody = method !== 'GET' && method !== 'HEAD';
      return {
        method,
        url: qs ? `${path}?${qs}` : path,
        route: r.route,
        headers,
        ...(canHaveBody && r.body !== null ? { body: r.body } : {}),
      };
    });
}
