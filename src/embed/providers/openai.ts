/**
 * OpenAI's embeddings API and every server that speaks it (vLLM, LM Studio, llama.cpp,
 * Ollama's /v1): `POST {base}/embeddings {input: [...], model, dimensions?}` with a bearer key,
 * answer `{data: [{index, embedding}]}`.
 */
import type { HttpClient } from '../http.js';
import { ProviderError, hostOf } from '../http.js';
import { field, type EmbedItem, type ProviderClient } from './provider.js';

export interface OpenAiSettings {
  apiKey: string | null;
  baseUrl: string;
  model: string;
  /** Sent as `dimensions` (only models that can shorten their output accept it). */
  dimensions: number | null;
  maxBatch: number;
}

export const OPENAI_DEFAULT_MODEL = 'text-embedding-3-small';

export function openAiClient(s: OpenAiSettings, http: HttpClient): ProviderClient {
  const url = `${s.baseUrl}/embeddings`;
  const host = hostOf(url);
  const headers: Record<string, string> = s.apiKey ? { authorization: `Bearer ${s.apiKey}` } : {};
  return {
    provider: 'openai',
    model: s.model,
    host,
    maxBatch: s.maxBatch,
    sectorAware: false,
    async embedBatch(items: readonly EmbedItem[]) {
      const body: Record<string, unknown> = {
        input: items.map((i) => i.text),
        model: s.model,
        encoding_format: 'float',
      };
      if (s.dimensions !== null) body.dimensions = s.dimensions;
      const answer = await http.postJson({ url, headers, body: JSON.stringify(body) });
      const data = field(answer, 'data');
      if (!Array.isArray(data)) throw new ProviderError('openai', host, 'bad_response', 'answer has no data array');
      // The API documents `index`; sort on it rather than trusting the order.
      return [...data]
        .sort((a, b) => Number(field(a, 'index') ?? 0) - Number(field(b, 'index') ?? 0))
        .map((d) => field(d, 'embedding') as number[]);
    },
  };
}
