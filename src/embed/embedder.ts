/**
 * The embedding seam. Providers turn many (text, sector) pairs into vectors in one call so
 * remote APIs can batch; the engine never embeds one text at a time.
 */
import type { Sector } from '../core/types.js';
import type { UserScope } from '../store/scope.js';
import type { EmbedMetricsSnapshot } from './metrics.js';

export interface EmbedRequest {
  text: string;
  sector: Sector;
}

export interface EmbedOptions {
  /** The user the texts belong to. Embedders that cache keep one partition per user, and do not cache calls without one. */
  scope?: UserScope;
}

export interface Embedder {
  /** `provider:model/dim`, recorded in `vectors.model` so a model change is detectable. */
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly dim: number;
  /** One vector of length `dim` per request, in request order. */
  embed(requests: readonly EmbedRequest[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Checks the provider is reachable and fixes `dim`; the engine awaits it before use. */
  verify?(): Promise<void>;
  /** Remote providers: calls, texts, latency, errors, retries and cache hits per provider (for `/metrics`). */
  metrics?(): EmbedMetricsSnapshot;
}

export const embedderId = (provider: string, model: string, dim: number): string => `${provider}:${model}/${dim}`;
