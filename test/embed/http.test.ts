import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { HttpClient, ProviderError, parseRetryAfter } from '../../src/embed/http.js';
import { createRemoteEmbedder } from '../../src/embed/providers/from-config.js';
import {
  bedrockThrottled,
  fakeBedrock,
  fakeGemini,
  fakeOpenAi,
  geminiQuotaExceeded,
  openAiErrors,
} from './fake-providers.js';
import { closedPort, serverPool, startFakeServer, type FakeServer } from './fake-server.js';

const recordSleeps = () => {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
};

const openAiEnv = (fake: FakeServer, extra: Record<string, string> = {}) => ({
  OM_EMBEDDINGS: 'openai',
  OM_OPENAI_BASE_URL: `${fake.url}/v1`,
  OPENAI_API_KEY: 'k',
  OM_EMBED_RETRY_BASE_MS: '100',
  ...extra,
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.UTC(2026, 10, 24, 12, 0, 0);
  assert.equal(parseRetryAfter('3', now), 3000);
  assert.equal(parseRetryAfter('0.5', now), 500);
  assert.equal(parseRetryAfter('Tue, 24 Nov 2026 12:00:07 GMT', now), 7000);
  assert.equal(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), null);
  assert.equal(parseRetryAfter(null, now), null);
});

describe('retries, timeouts and unreachable hosts', () => {
  const pool = serverPool();
  after(pool.closeAll);

  test('429 with Retry-After waits what the server asked, then succeeds', async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const { delays, sleep } = recordSleeps();
    const e = createRemoteEmbedder(loadConfig(openAiEnv(fake)), { sleep });
    await e.verify();
    fake.failNext(2, openAiErrors.rateLimited('7'));
    const [v] = await e.embed([{ text: 'hello', sector: 'semantic' }]);
    assert.equal(v!.length, 8);
    assert.deepEqual(delays, [7000, 7000]);
    assert.equal(fake.requests.length, 4);
    const m = e.metrics().openai!;
    assert.deepEqual([m.calls, m.errors, m.requests, m.failedRequests, m.retries], [2, 0, 4, 2, 2]);
  });

  test('429 with an HTTP-date Retry-After (Bedrock throttling) is honoured too', async () => {
    const id = { region: 'us-east-1', accessKeyId: 'AK', secretAccessKey: 'S' };
    const fake = await pool.add(fakeBedrock(id, 'amazon.titan-embed-text-v2:0', 8));
    const { delays, sleep } = recordSleeps();
    const e = createRemoteEmbedder(
      loadConfig({
        OM_EMBEDDINGS: 'aws',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AK',
        AWS_SECRET_ACCESS_KEY: 'S',
        AWS_ENDPOINT_URL: fake.url,
        OM_EMBED_RETRY_BASE_MS: '100',
      }),
      { sleep },
    );
    const when = new Date(Date.now() + 30_000).toUTCString();
    fake.failNext(1, { ...bedrockThrottled, headers: { ...bedrockThrottled.headers, 'retry-after': when } });
    await e.verify();
    assert.equal(delays.length, 1);
    assert.ok(delays[0]! > 25_000 && delays[0]! <= 30_000, `waited ${delays[0]}`);
  });

  test("Gemini's RESOURCE_EXHAUSTED carries its wait in the body (RetryInfo), which is honoured", async () => {
    const fake = await pool.add(fakeGemini('g', 'embedding-001', 8));
    const { delays, sleep } = recordSleeps();
    const e = createRemoteEmbedder(
      loadConfig({
        OM_EMBEDDINGS: 'gemini',
        OM_GEMINI_BASE_URL: fake.url,
        GEMINI_API_KEY: 'g',
        OM_EMBED_RETRY_BASE_MS: '100',
      }),
      { sleep },
    );
    fake.failNext(1, geminiQuotaExceeded('12s'));
    await e.verify();
    assert.deepEqual(delays, [12_000]);
  });

  test('5xx is retried with exponential backoff; the last error is reported after maxRetries', async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const { delays, sleep } = recordSleeps();
    const e = createRemoteEmbedder(loadConfig(openAiEnv(fake, { OM_EMBED_MAX_RETRIES: '3' })), { sleep });
    fake.failNext(4, openAiErrors.overloaded);
    await assert.rejects(e.verify(), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.equal(err.failure, 'server');
      assert.equal(err.status, 503);
      assert.match(err.message, /HTTP 503: The server is overloaded/);
      return true;
    });
    assert.deepEqual(delays, [100, 200, 400]);
    assert.equal(fake.requests.length, 4);
    fake.failNext(1, openAiErrors.overloaded);
    await e.verify(); // a failed probe is retried on the next call
    assert.equal(e.dim, 8);
  });

  test('a Retry-After beyond the limit fails at once as rate limited', async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    const { delays, sleep } = recordSleeps();
    const e = createRemoteEmbedder(loadConfig(openAiEnv(fake)), { sleep });
    fake.failNext(1, openAiErrors.rateLimited('3600'));
    await assert.rejects(e.verify(), (err: unknown) => err instanceof ProviderError && err.failure === 'rate_limited');
    assert.deepEqual(delays, []);
  });

  test('a server that does not answer in time is a timeout', async () => {
    const fake = await pool.add(fakeOpenAi('k', 8));
    fake.delayMs = 3000;
    const e = createRemoteEmbedder(
      loadConfig(openAiEnv(fake, { OM_EMBED_TIMEOUT_MS: '100', OM_EMBED_MAX_RETRIES: '1' })),
      recordSleeps(),
    );
    await assert.rejects(e.verify(), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.equal(err.failure, 'timeout');
      assert.match(err.message, /openai at 127\.0\.0\.1:\d+: no answer within 100 ms/);
      return true;
    });
    // Counted on the client: an aborted attempt may never be seen whole by the server.
    const m = e.metrics().openai!;
    assert.deepEqual([m.requests, m.failedRequests, m.retries], [2, 2, 1], 'a timeout is retried');
  });

  test('an unreachable host is reported at verify() with provider and host', async () => {
    const port = await closedPort();
    const e = createRemoteEmbedder(
      loadConfig({ OM_EMBEDDINGS: 'ollama', OLLAMA_URL: `http://127.0.0.1:${port}`, OM_EMBED_MAX_RETRIES: '2' }),
      recordSleeps(),
    );
    await assert.rejects(e.verify(), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.equal(err.failure, 'unreachable');
      assert.equal(err.message, `embedding provider ollama at 127.0.0.1:${port}: cannot connect (ECONNREFUSED)`);
      return true;
    });
  });

  test('no more requests in flight than the concurrency bound', async () => {
    const fake = await pool.add(startFakeServer(() => ({ status: 200, body: { ok: true } })));
    fake.delayMs = 100;
    const http = new HttpClient({
      provider: 'p',
      timeoutMs: 5000,
      maxRetries: 0,
      retryBaseMs: 1,
      maxRetryDelayMs: 1,
      concurrency: 3,
    });
    await Promise.all(Array.from({ length: 12 }, () => http.postJson({ url: fake.url, body: '{}' })));
    assert.equal(fake.requests.length, 12);
    assert.equal(fake.maxInFlight, 3);
  });

  test('a 2xx answer that is not JSON is a bad response, not retried', async () => {
    const fake = await pool.add(startFakeServer(() => ({ status: 200, body: '<html>proxy login</html>' })));
    const http = new HttpClient({
      provider: 'p',
      timeoutMs: 5000,
      maxRetries: 3,
      retryBaseMs: 1,
      maxRetryDelayMs: 1,
      concurrency: 1,
    });
    await assert.rejects(
      http.postJson({ url: fake.url, body: '{}' }),
      (err: unknown) => err instanceof ProviderError && err.failure === 'bad_response',
    );
    assert.equal(fake.requests.length, 1);
  });
});
