/**
 * AWS Signature Version 4 for a single request (what Bedrock needs), built on node:crypto so
 * no AWS SDK is pulled in. Follows the published algorithm: canonical request → string to
 * sign → HMAC chain over date/region/service → `Authorization` header.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | null;
}

export interface SignInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  credentials: AwsCredentials;
  /** Signing time; defaults to now. */
  date?: Date;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding, as SigV4 requires (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20150830T123600Z` */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * Headers to add to the request: `x-amz-date`, the session token when
 * given, and `authorization`. The path is signed as sent, each segment encoded once more
 * (non-S3 services sign the already-encoded path).
 */
export function signRequest(input: SignInput): Record<string, string> {
  const url = new URL(input.url);
  const when = amzDate(input.date ?? new Date());
  const day = when.slice(0, 8);
  const payloadHash = sha256(input.body);
  const added: Record<string, string> = { 'x-amz-date': when };
  if (input.credentials.sessionToken) added['x-amz-security-token'] = input.credentials.sessionToken;

  const all = new Map<string, string>([['host', url.host]]);
  for (const [k, v] of Object.entries({ ...input.headers, ...added })) {
    all.set(k.toLowerCase(), v.trim().replace(/\s+/g, ' '));
  }
  const names = [...all.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalPath = url.pathname.split('/').map(uriEncode).join('/') || '/';
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath,
    canonicalQuery(url.searchParams),
    names.map((n) => `${n}:${all.get(n)}\n`).join(''),
    signedHeaders,
    payloadHash,
  ].join('\n');

  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', when, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${input.credentials.secretAccessKey}`, day);
  for (const part of [input.region, input.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  added.authorization =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}
