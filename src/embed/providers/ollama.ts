/**
 * Ollama's native API: `POST {url}/api/embed {model, input: [...]}` → `{embeddings}`.
 * Servers older than 0.3 only have `POST /api/embeddings {model, prompt}` → `{embedding}`
 * (one text per request); they answer the new path with a plain-text 404, which switches
 * this client to the old path for good. A JSON 404 is Ollama saying the model is missing.
 */
import type { HttpClient } from '../http.js';
import { ProviderError, hostOf } from '../http.js';
import { field, type EmbedItem, type ProviderClient } from './provider.js';

export interface OllamaSettings {
  url: string;
  model: string;
  maxBatch: number;
}

export function ollamaClient(s: OllamaSettings, http: HttpClient): ProviderClient {
  const host = hostOf(s.url);
  let legacy = false;
  const bad = (what: string) => new ProviderError('ollama', host, 'bad_response', what);

  const legacyEmbed = (items: readonly EmbedItem[]) =>
    Promise.all(
      items.map(async (i) => {
        const answer = await http.postJson({
          url: `${s.url}/api/embeddings`,
          body: JSON.stringify({ model: s.model, prompt: i.text }),
        });
        const v = field(answer, 'embedding');
        if (!Array.isArray(v)) throw bad('answer has no embedding array');
        return v as number[];
      }),
    );

  return {
    provider: 'ollama',
    model: s.model,
    host,
    maxBatch: s.maxBatch,
    sectorAware: false,
    async embedBatch(items: readonly EmbedItem[]) {
      if (legacy) return legacyEmbed(items);
      let answer: unknown;
      try {
        answer = await http.postJson({
          url: `${s.url}/api/embed`,
          body: JSON.stringify({ model: s.model, input: items.map((i) => i.text) }),
        });
      } catch (e) {
        if (e instanceof ProviderError && e.failure === 'not_found' && field(e.body, 'error') === undefined) {
          legacy = true;
          return legacyEmbed(items);
        }
        throw e;
      }
      const embeddings = field(answer, 'embeddings');
      if (!Array.isArray(embeddings)) throw bad('answer has no embeddings array');
      return embeddings as number[][];
    },
  };
}
