import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ProviderError } from '../../src/embed/http.js';
import { createRemoteEmbedder } from '../../src/embed/providers/from-config.js';
import { SECTORS } from '../../src/core/types.js';
import { fakeBedrock, fakeGemini, fakeOllama, fakeOpenAi } from './fake-providers.js';
import { fakeVector, serverPool, type FakeServer } from './fake-server.js';

const base = { OM_EMBED_RETRY_BASE_MS: '1', OM_EMBED_BATCH_SIZE: '4' };

function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function assertVector(actual: Float32Array | undefined, expected: number[]) {
  assert.ok(actual);
  const e = unit(expected);
  assert.equal(actual.length, e.length);
  for (let i = 0; i < e.length; i++) assert.ok(Math.abs(actual[i]! - e[i]!) < 1e-6, `component ${i}`);
}

const texts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ text: `memory number ${i}`, sector: 'semantic' as const }));

describe('OpenAI-compatible provider', () => {
  const pool = serverPool();
  after(pool.closeAll);

  test('batches N texts into ceil(N/batch) requests with bearer auth and the documented body', async () => {
    const fake = await pool.add(fakeOpenAi('sk-good', 24));
    const e = createRemoteEmbedder(
      loadConfig({
        ...base,
        OM_EMBEDDINGS: 'openai',
        OM_OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: 'sk-good',
        OM_OPENAI_MODEL: 'text-embedding-3-small',
      }),
    );
    await e.verify();
    assert.equal(e.dim, 24);
    assert.equal(e.id, 'openai:text-embedding-3-small/24');
    const items = texts(10);
    const out = await e.embed(items);
    const calls = fake.requests.slice(1);
    assert.equal(calls.length, 3); // ceil(10 / 4)
    assert.deepEqual(
      calls.map((r) => r.json.input.length),
      [4, 4, 2],
    );
    for (const r of calls) {
      assert.equal(r.path, '/v1/embeddings');
      assert.equal(r.headers.authorization, 'Bearer sk-good');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.json.model, 'text-embedding-3-small');
      assert.equal(r.json.dimensions, undefined);
    }
    items.forEach((it, i) => assertVector(out[i], fakeVector(it.text, 24)));
  });

  test("simple mode sends a memory's sectors in one request and embeds an equal text once", async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const e = createRemoteEmbedder(
      loadConfig({ ...base, OM_EMBEDDINGS: 'openai', OM_OPENAI_BASE_URL: `${fake.url}/v1`, OPENAI_API_KEY: 'k' }),
    );
    const out = await e.embed(SECTORS.map((sector) => ({ text: 'I met Anna in Paris', sector })));
    assert.equal(fake.requests.length, 2); // probe + one call
    assert.deepEqual(fake.requests[1]!.json.input, ['I met Anna in Paris']);
    assert.equal(out.length, 5);
    assert.equal(e.id, 'openai:text-embedding-3-small/8');
  });

  test('OM_VEC_DIM is sent as `dimensions` and checked against the answer', async () => {
    const fake = await pool.add(fakeOpenAi('k', 12));
    const e = createRemoteEmbedder(
      loadConfig({
        ...base,
        OM_EMBEDDINGS: 'openai',
        OM_OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: 'k',
        OM_VEC_DIM: '16',
      }),
    );
    await e.verify();
    assert.equal(fake.requests[0]!.json.dimensions, 16);
    assert.equal(e.dim, 16);
  });

  test('a wrong key fails verify() with the provider, the host and the provider message', async () => {
    const fake = await pool.add(fakeOpenAi('sk-good', 8));
    const e = createRemoteEmbedder(
      loadConfig({
        ...base,
        OM_EMBEDDINGS: 'openai',
        OM_OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: 'sk-wrong',
      }),
    );
    const host = new URL(fake.url).host;
    await assert.rejects(e.verify(), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.equal(err.failure, 'auth');
      assert.equal(err.code, 'upstream_unavailable');
      assert.match(err.message, new RegExp(`openai at ${host}.*HTTP 401.*Incorrect API key`));
      return true;
    });
    assert.equal(fake.requests.length, 1, 'a 401 is not retried');
  });

  test('api.openai.com without a key is refused at construction', () => {
    assert.throws(() => createRemoteEmbedder(loadConfig({ OM_EMBEDDINGS: 'openai' })), /OPENAI_API_KEY: is required/);
  });
});

describe('Gemini provider', () => {
  const pool = serverPool();
  after(pool.closeAll);

  test('batchEmbedContents with the key in the query and a taskType per sector', async () => {
    const fake = await pool.add(fakeGemini('g-key', 'embedding-001', 16));
    const e = createRemoteEmbedder(
      loadConfig({ ...base, OM_EMBEDDINGS: 'gemini', OM_GEMINI_BASE_URL: fake.url, GEMINI_API_KEY: 'g-key' }),
    );
    const items = [
      { text: 'went hiking', sector: 'episodic' as const },
      { text: 'went hiking', sector: 'emotional' as const },
      { text: 'water boils at 100C', sector: 'semantic' as const },
    ];
    const out = await e.embed(items);
    const call = fake.requests[1]!;
    assert.equal(call.path, '/v1beta/models/embedding-001:batchEmbedContents?key=g-key');
    assert.deepEqual(
      call.json.requests.map((r: any) => [r.model, r.content.parts[0].text, r.taskType]),
      [
        ['models/embedding-001', 'went hiking', 'RETRIEVAL_DOCUMENT'],
        ['models/embedding-001', 'went hiking', 'CLASSIFICATION'],
        ['models/embedding-001', 'water boils at 100C', 'SEMANTIC_SIMILARITY'],
      ],
    );
    assertVector(out[0], fakeVector('went hiking', 16, 'RETRIEVAL_DOCUMENT'));
    assertVector(out[1], fakeVector('went hiking', 16, 'CLASSIFICATION'));
    assertVector(out[2], fakeVector('water boils at 100C', 16, 'SEMANTIC_SIMILARITY'));
  });

  test('advanced mode sends each sector in its own request', async () => {
    const fake = await pool.add(fakeGemini('g-key', 'embedding-001', 8));
    const e = createRemoteEmbedder(
      loadConfig({
        ...base,
        OM_EMBEDDINGS: 'gemini',
        OM_EMBED_MODE: 'advanced',
        OM_GEMINI_BASE_URL: fake.url,
        GEMINI_API_KEY: 'g-key',
      }),
    );
    await e.embed(SECTORS.map((sector) => ({ text: 'same text', sector })));
    assert.equal(fake.requests.length, 1 + SECTORS.length);
  });

  test("Gemini's 400 API_KEY_INVALID is reported as a rejected key, without the key in the message", async () => {
    const fake = await pool.add(fakeGemini('g-key', 'embedding-001', 8));
    const e = createRemoteEmbedder(
      loadConfig({ ...base, OM_EMBEDDINGS: 'gemini', OM_GEMINI_BASE_URL: fake.url, GEMINI_API_KEY: 'secret-wrong' }),
    );
    await assert.rejects(e.verify(), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.equal(err.failure, 'auth');
      assert.match(err.message, /gemini at 127\.0\.0\.1:\d+: rejected the API key/);
      assert.doesNotMatch(err.message, /secret-wrong/);
      return true;
    });
  });
});

describe('Ollama provider', () => {
  const pool = serverPool();
  after(pool.closeAll);

  test('/api/embed with a batch of inputs', async () => {
    const fake = await pool.add(fakeOllama('nomic-embed-text', 8));
    const e = createRemoteEmbedder(loadConfig({ ...base, OM_EMBEDDINGS: 'ollama', OLLAMA_URL: fake.url }));
    const out = await e.embed(texts(5));
    assert.deepEqual(
      fake.requests.slice(1).map((r) => [r.path, r.json.input.length]),
      [
        ['/api/embed', 4],
        ['/api/embed', 1],
      ],
    );
    assertVector(out[4], fakeVector('memory number 4', 8));
    assert.equal(e.id, 'ollama:nomic-embed-text/8');
  });

  test('an old server (plain-text 404 on /api/embed) falls back to /api/embeddings for good', async () => {
    const fake = await pool.add(fakeOllama('nomic-embed-text', 8, true));
    const e = createRemoteEmbedder(loadConfig({ ...base, OM_EMBEDDINGS: 'ollama', OLLAMA_URL: fake.url }));
    const out = await e.embed(texts(3));
    assert.deepEqual(
      fake.requests.map((r) => r.path),
      ['/api/embed', '/api/embeddings', '/api/embeddings', '/api/embeddings', '/api/embeddings'],
    );
    assert.equal(fake.requests[1]!.json.prompt, 'OpenMemory start-up check');
    assertVector(out[2], fakeVector('memory number 2', 8));
  });

  test("a missing model is reported at start-up with Ollama's message", async () => {
    const fake = await pool.add(fakeOllama('nomic-embed-text', 8));
    const e = createRemoteEmbedder(
      loadConfig({ ...base, OM_EMBEDDINGS: 'ollama', OLLAMA_URL: fake.url, OM_OLLAMA_MODEL: 'absent' }),
    );
    await assert.rejects(e.verify(), /ollama at 127\.0\.0\.1:\d+: failed \(HTTP 404: model "absent" not found/);
  });
});

describe('AWS Bedrock Titan provider', () => {
  const pool = serverPool();
  after(pool.closeAll);
  const id = { region: 'eu-west-1', accessKeyId: 'AKIDTEST', secretAccessKey: 'secret/KEY+test' };
  const env = (fake: FakeServer, secret = id.secretAccessKey) => ({
    ...base,
    OM_EMBEDDINGS: 'aws',
    AWS_REGION: id.region,
    AWS_ACCESS_KEY_ID: id.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
  });

  test('signed InvokeModel requests, one text each, with the Titan v2 body', async () => {
    const fake = await pool.add(fakeBedrock(id, 'amazon.titan-embed-text-v2:0', 32));
    const e = createRemoteEmbedder(loadConfig({ ...env(fake), OM_VEC_DIM: '256' }));
    const out = await e.embed(texts(3));
    assert.equal(fake.requests.length, 4);
    for (const r of fake.requests) {
      assert.equal(r.path, '/model/amazon.titan-embed-text-v2%3A0/invoke');
      assert.match(String(r.headers['x-amz-date']), /^\d{8}T\d{6}Z$/);
      assert.match(
        String(r.headers.authorization),
        /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=[a-z;-]*host[a-z;-]*, Signature=[0-9a-f]{64}$/,
      );
      assert.deepEqual(Object.keys(r.json).sort(), ['dimensions', 'inputText', 'normalize']);
      assert.equal(r.json.normalize, true);
      assert.equal(r.json.dimensions, 256);
    }
    assert.equal(e.dim, 256);
    assertVector(out[1], fakeVector('memory number 1', 256));
  });

  test('a wrong secret fails verify() with the AWS signature message', async () => {
    const fake = await pool.add(fakeBedrock(id, 'amazon.titan-embed-text-v2:0', 32));
    const e = createRemoteEmbedder(loadConfig(env(fake, 'wrong')));
    await assert.rejects(e.verify(), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.equal(err.failure, 'auth');
      assert.match(
        err.message,
        /aws at 127\.0\.0\.1:\d+: rejected the credentials \(HTTP 403: The request signature we calculated does not match/,
      );
      return true;
    });
  });

  test('Titan v1 gets only inputText (it accepts no dimensions or normalize)', async () => {
    const fake = await pool.add(fakeBedrock(id, 'amazon.titan-embed-text-v1', 12));
    const e = createRemoteEmbedder(loadConfig({ ...env(fake), OM_AWS_MODEL: 'amazon.titan-embed-text-v1' }));
    await e.verify();
    assert.deepEqual(Object.keys(fake.requests[0]!.json), ['inputText']);
    assert.equal(e.id, 'aws:amazon.titan-embed-text-v1/12');
  });

  test('missing AWS settings are refused at construction, naming the variable', () => {
    assert.throws(
      () => createRemoteEmbedder(loadConfig({ OM_EMBEDDINGS: 'aws', AWS_REGION: 'us-east-1' })),
      /AWS_ACCESS_KEY_ID: is required/,
    );
  });
});

test('"local" is not a remote provider (createEmbedder gives the local model)', () => {
  assert.throws(
    () => createRemoteEmbedder(loadConfig({ OM_EMBEDDINGS: 'local' })),
    /OM_EMBEDDINGS: "local" is not a remote provider$/,
  );
});
