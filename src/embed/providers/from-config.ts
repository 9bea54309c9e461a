/**
 * Builds the remote embedder `OM_EMBEDDINGS` names from the configuration, refusing at
 * start-up (ConfigError naming the variable) when a provider's required settings are missing.
 */
import type { Config } from '../../config.js';
import { ConfigError } from '../../errors.js';
import { HttpClient } from '../http.js';
import { EmbedMetrics } from '../metrics.js';
import { bedrockClient } from './bedrock.js';
import { geminiClient } from './gemini.js';
import { ollamaClient } from './ollama.js';
import { OPENAI_DEFAULT_MODEL, openAiClient } from './openai.js';
import type { ProviderClient } from './provider.js';
import { RemoteEmbedder } from './remote-embedder.js';

export interface RemoteEmbedderDeps {
  /** Replaces the wait between retries (tests record the delays instead of sleeping). */
  sleep?: (ms: number) => Promise<void>;
}

const OPENAI_HOST = 'api.openai.com';
/** A `Retry-After` longer than this fails the call instead of stalling it. */
const MAX_RETRY_DELAY_MS = 60_000;

function required<T>(value: T | null, variable: string, provider: string): T {
  if (value === null) throw new ConfigError(variable, `is required when OM_EMBEDDINGS=${provider}`);
  return value;
}

function client(config: Readonly<Config>, http: HttpClient): ProviderClient {
  const e = config.embeddings;
  switch (e.provider) {
    case 'openai': {
      const model = e.openai.model ?? OPENAI_DEFAULT_MODEL;
      // api.openai.com needs a key; self-hosted compatible servers often do not.
      if (new URL(e.openai.baseUrl).host === OPENAI_HOST) required(e.openai.apiKey, 'OPENAI_API_KEY', 'openai');
      return openAiClient({ ...e.openai, model, dimensions: e.requestedDim, maxBatch: e.batchSize }, http);
    }
    case 'gemini':
      return geminiClient(
        { ...e.gemini, apiKey: required(e.gemini.apiKey, 'GEMINI_API_KEY', 'gemini'), dimensions: e.requestedDim },
        http,
        e.batchSize,
      );
    case 'ollama':
      return ollamaClient({ ...e.ollama, maxBatch: e.batchSize }, http);
    case 'aws':
      return bedrockClient(
        {
          region: required(e.aws.region, 'AWS_REGION', 'aws'),
          credentials: {
            accessKeyId: required(e.aws.accessKeyId, 'AWS_ACCESS_KEY_ID', 'aws'),
            secretAccessKey: required(e.aws.secretAccessKey, 'AWS_SECRET_ACCESS_KEY', 'aws'),
            sessionToken: e.aws.sessionToken,
          },
          model: e.aws.model,
          endpoint: e.aws.endpoint,
          dimensions: e.requestedDim,
        },
        http,
      );
    default:
      throw new ConfigError('OM_EMBEDDINGS', `"${e.provider}" is not a remote provider`);
  }
}

export function createRemoteEmbedder(config: Readonly<Config>, deps: RemoteEmbedderDeps = {}): RemoteEmbedder {
  const e = config.embeddings;
  const metrics = new EmbedMetrics();
  const http = new HttpClient({
    provider: e.provider,
    timeoutMs: e.timeoutMs,
    maxRetries: e.maxRetries,
    retryBaseMs: e.retryBaseMs,
    maxRetryDelayMs: MAX_RETRY_DELAY_MS,
    concurrency: e.concurrency,
    onRetry: () => metrics.retry(e.provider),
    onAttempt: (ms, ok) => metrics.request(e.provider, ms, ok),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  return new RemoteEmbedder(client(config, http), {
    mode: e.mode,
    cacheSize: e.cacheSize,
    requestedDim: e.requestedDim,
    metrics,
  });
}
