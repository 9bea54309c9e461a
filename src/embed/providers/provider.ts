/**
 * What one remote embedding API must provide: turn a batch of texts into vectors in one
 * request. Batching, concurrency, caching, retries, metrics and logs are shared
 * (../http.ts, ./remote-embedder.ts), so a provider holds only its wire format.
 */
import type { Sector } from '../../core/types.js';

export interface EmbedItem {
  text: string;
  sector: Sector;
}

export interface ProviderClient {
  /** `OM_EMBEDDINGS` value, e.g. `openai`. */
  readonly provider: string;
  readonly model: string;
  /** Host the requests go to, for messages. */
  readonly host: string;
  /** Most texts one request may carry. */
  readonly maxBatch: number;
  /** The sector changes the request (Gemini's taskType); otherwise equal texts are embedded once. */
  readonly sectorAware: boolean;
  /** One vector per item, in order. May throw {@link ProviderError}. */
  embedBatch(items: readonly EmbedItem[]): Promise<number[][]>;
}

/** A property of a JSON answer, or `undefined` when the answer is not an object that has it. */
export function field(body: unknown, name: string): unknown {
  if (body && typeof body === 'object' && name in body) return (body as Record<string, unknown>)[name];
  return undefined;
}
