/**
 * Fake embedding APIs speaking each provider's documented wire protocol: paths, auth, request
 * and answer shapes, and the error bodies each returns for a bad key or a throttled request.
 */
import { signRequest } from '../../src/embed/providers/sigv4.js';
import { fakeVector, startFakeServer, type FakeServer, type Recorded, type Reply } from './fake-server.js';

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export const openAiErrors = {
  badKey: json(401, {
    error: {
      message:
        'Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
  }),
  rateLimited: (retryAfter: string) =>
    json(
      429,
      {
        error: {
          message: 'Rate limit reached for requests',
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
      { 'retry-after': retryAfter },
    ),
  overloaded: json(503, {
    error: { message: 'The server is overloaded or not ready yet.', type: 'server_error', param: null, code: null },
  }),
};

/** `POST /v1/embeddings`; answers `dimensions` long vectors when asked, else `dim`. */
export function fakeOpenAi(key: string, dim: number): Promise<FakeServer> {
  return startFakeServer((r: Recorded) => {
    if (r.method !== 'POST' || r.path !== '/v1/embeddings')
      return json(404, { error: { message: `Unknown path ${r.path}`, type: 'invalid_request_error' } });
    if (r.headers.authorization !== `Bearer ${key}`) return openAiErrors.badKey;
    const input: string[] = r.json.input;
    const n = r.json.dimensions ?? dim;
    // Reversed on purpose: clients must order by `index`.
    const data = input.map((t, index) => ({ object: 'embedding', index, embedding: fakeVector(t, n) })).reverse();
    return json(200, {
      object: 'list',
      data,
      model: r.json.model,
      usage: { prompt_tokens: input.length, total_tokens: input.length },
    });
  });
}

export const geminiBadKey = json(400, {
  error: {
    code: 400,
    message: 'API key not valid. Please pass a valid API key.',
    status: 'INVALID_ARGUMENT',
    details: [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
    ],
  },
});

/** Gemini's quota answer: no Retry-After header, the wait is a RetryInfo detail. */
export const geminiQuotaExceeded = (retryDelay: string) =>
  json(429, {
    error: {
      code: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }],
    },
  });

/** `POST /v1beta/models/{model}:batchEmbedContents?key=`; vectors depend on text and taskType. */
export function fakeGemini(key: string, model: string, dim: number): Promise<FakeServer> {
  return startFakeServer((r) => {
    const u = new URL(r.path, 'http://x');
    if (u.pathname !== `/v1beta/models/${model}:batchEmbedContents`)
      return json(404, { error: { code: 404, message: 'not found', status: 'NOT_FOUND' } });
    if (u.searchParams.get('key') !== key) return geminiBadKey;
    const requests: Array<{ model: string; content: { parts: Array<{ text: string }> }; taskType: string }> =
      r.json.requests;
    if (requests.some((q) => q.model !== `models/${model}`)) {
      return json(400, { error: { code: 400, message: 'model mismatch', status: 'INVALID_ARGUMENT' } });
    }
    return json(200, {
      embeddings: requests.map((q) => ({ values: fakeVector(q.content.parts[0]!.text, dim, q.taskType) })),
    });
  });
}

/** Ollama ≥0.3 (`/api/embed`), or an old server (`/api/embeddings` only, Go's plain-text 404 elsewhere). */
export function fakeOllama(model: string, dim: number, legacy = false): Promise<FakeServer> {
  return startFakeServer((r) => {
    if (r.json?.model !== model)
      return json(404, { error: `model "${r.json?.model}" not found, try pulling it first` });
    if (r.path === '/api/embed' && !legacy) {
      return json(200, { model, embeddings: (r.json.input as string[]).map((t) => fakeVector(t, dim)) });
    }
    if (r.path === '/api/embeddings') return json(200, { embedding: fakeVector(r.json.prompt, dim) });
    return { status: 404, body: '404 page not found' };
  });
}

export interface AwsIdentity {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const AMZ_DATE = /^\d{8}T\d{6}Z$/;

/**
 * `POST /model/{modelId}/invoke` on bedrock-runtime. The SigV4 signature is recomputed from
 * what arrived (method, path, signed headers, body) with the known secret, as AWS does.
 */
export function fakeBedrock(id: AwsIdentity, modelId: string, dim: number): Promise<FakeServer> {
  return startFakeServer((r) => {
    const denied = (type: string, message: string) =>
      json(
        403,
        { message },
        { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.coral.service/` },
      );
    const auth = String(r.headers.authorization ?? '');
    const date = String(r.headers['x-amz-date'] ?? '');
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m || !AMZ_DATE.test(date) || m[2] !== date.slice(0, 8))
      return denied(
        'IncompleteSignatureException',
        'Authorization header requires a well-formed Credential, SignedHeaders and Signature.',
      );
    if (m[1] !== id.accessKeyId)
      return denied('UnrecognizedClientException', 'The security token included in the request is invalid.');
    const signed: Record<string, string> = {};
    for (const h of m[4]!.split(';')) if (h !== 'host') signed[h] = String(r.headers[h] ?? '');
    delete signed['x-amz-date'];
    const expected = signRequest({
      method: r.method,
      url: `http://${r.headers.host}${r.path}`,
      headers: signed,
      body: r.raw,
      region: m[3]!,
      service: 'bedrock',
      credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey },
      date: new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
      ),
    });
    if (m[3] !== id.region || expected.authorization !== auth) {
      return denied(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (r.path !== `/model/${encodeURIComponent(modelId)}/invoke`)
      return json(404, { message: `Model ${r.path} not found` });
    if (typeof r.json?.inputText !== 'string')
      return json(
        400,
        { message: 'Malformed input request: required key [inputText] not found' },
        { 'x-amzn-errortype': 'ValidationException' },
      );
    return json(200, { embedding: fakeVector(r.json.inputText, r.json.dimensions ?? dim), inputTextTokenCount: 3 });
  });
}

export const bedrockThrottled = json(
  429,
  { message: 'Too many requests, please wait before trying again.' },
  { 'x-amzn-errortype': 'ThrottlingException' },
);
