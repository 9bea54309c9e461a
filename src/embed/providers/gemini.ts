/**
 * Google Gemini: `POST {base}/v1beta/models/{model}:batchEmbedContents?key=...` with one
 * request per text, answer `{embeddings: [{values}]}`. The task type follows the sector as
 * in v1.2. Gemini answers a bad key with 400 `API_KEY_INVALID`, reported here as `auth`.
 */
import type { Sector } from '../../core/types.js';
import type { HttpClient } from '../http.js';
import { ProviderError, hostOf } from '../http.js';
import { field, type EmbedItem, type ProviderClient } from './provider.js';

export interface GeminiSettings {
  apiKey: string;
  baseUrl: string;
  model: string;
  dimensions: number | null;
}

/** Gemini's documented limit of requests in one batch call. */
const GEMINI_MAX_BATCH = 100;

const TASK_TYPE: Record<Sector, string> = {
  episodic: 'RETRIEVAL_DOCUMENT',
  procedural: 'RETRIEVAL_DOCUMENT',
  semantic: 'SEMANTIC_SIMILARITY',
  reflective: 'SEMANTIC_SIMILARITY',
  emotional: 'CLASSIFICATION',
};

export function geminiClient(s: GeminiSettings, http: HttpClient, maxBatch: number): ProviderClient {
  const model = s.model.replace(/^models\//, '');
  const url = `${s.baseUrl}/v1beta/models/${encodeURIComponent(model)}:batchEmbedContents?key=${encodeURIComponent(s.apiKey)}`;
  const host = hostOf(url);
  return {
    provider: 'gemini',
    model,
    host,
    maxBatch: Math.min(maxBatch, GEMINI_MAX_BATCH),
    sectorAware: true,
    async embedBatch(items: readonly EmbedItem[]) {
      const requests = items.map((i) => ({
        model: `models/${model}`,
        content: { parts: [{ text: i.text }] },
        taskType: TASK_TYPE[i.sector],
        ...(s.dimensions === null ? {} : { outputDimensionality: s.dimensions }),
      }));
      let answer: unknown;
      try {
        answer = await http.postJson({ url, body: JSON.stringify({ requests }) });
      } catch (e) {
        if (e instanceof ProviderError && e.status === 400 && JSON.stringify(e.body).includes('API_KEY_INVALID')) {
          throw new ProviderError('gemini', host, 'auth', 'rejected the API key (GEMINI_API_KEY)', 400, e.body);
        }
        throw e;
      }
      const embeddings = field(answer, 'embeddings');
      if (!Array.isArray(embeddings))
        throw new ProviderError('gemini', host, 'bad_response', 'answer has no embeddings array');
      return embeddings.map((e) => field(e, 'values') as number[]);
    },
  };
}
