/**
 * An {@link Embedder} over a remote {@link ProviderClient}: cache lookups, one request per
 * batch of texts (simple mode mixes a memory's sectors in one batch; advanced mode sends each
 * sector on its own, as v1.2), vectors checked and L2-normalised, and a metric per call.
 * (`embed_logs` keeps v1.2's meaning, one row per memory, written by the engine.) `verify()` probes the provider once so a wrong key, a missing model or
 * an unreachable host stops start-up, and fixes the dimension from the provider's answer.
 */
import { normalize } from '../../core/vector.js';
import { ConfigError } from '../../errors.js';
import { EmbeddingCache, embeddingKey } from '../cache.js';
import { userKey } from '../../store/scope.js';
import { embedderId, type EmbedOptions, type EmbedRequest, type Embedder } from '../embedder.js';
import { ProviderError } from '../http.js';
import type { EmbedMetrics, EmbedMetricsSnapshot } from '../metrics.js';
import type { EmbedItem, ProviderClient } from './provider.js';

export interface RemoteEmbedderOptions {
  mode: 'simple' | 'advanced';
  cacheSize: number;
  /** OM_VEC_DIM when the operator set it: the provider must answer with this length. */
  requestedDim: number | null;
  metrics: EmbedMetrics;
}

const PROBE_TEXT = 'OpenMemory start-up check';

export class RemoteEmbedder implements Embedder {
  readonly provider: string;
  readonly model: string;
  readonly #client: ProviderClient;
  readonly #o: RemoteEmbedderOptions;
  readonly #cache: EmbeddingCache;
  #dim: number | null = null;
  #probe: Promise<void> | null = null;

  constructor(client: ProviderClient, options: RemoteEmbedderOptions) {
    this.#client = client;
    this.#o = options;
    this.provider = client.provider;
    this.model = client.model;
    this.#cache = new EmbeddingCache(options.cacheSize);
  }

  /** Known after {@link verify}; until then the requested dimension (or 0). */
  get dim(): number {
    return this.#dim ?? this.#o.requestedDim ?? 0;
  }

  get id(): string {
    return embedderId(this.provider, this.model, this.dim);
  }

  get host(): string {
    return this.#client.host;
  }

  /** Calls, texts, latency, errors, retries and cache hits per provider (for `/metrics`). */
  metrics(): EmbedMetricsSnapshot {
    return this.#o.metrics.snapshot();
  }

  /** Probes the provider once (again after a failure). Throws {@link ProviderError} or {@link ConfigError}. */
  verify(): Promise<void> {
    this.#probe ??= this.#call([{ text: PROBE_TEXT, sector: 'semantic' }], null).then(
      ([v]) => {
        const n = v!.length;
        if (this.#o.requestedDim !== null && n !== this.#o.requestedDim) {
          throw new ConfigError(
            'OM_VEC_DIM',
            `is ${this.#o.requestedDim} but ${this.provider} model ${this.model} at ${this.host} answers ${n}-dimensional vectors`,
          );
        }
        this.#dim = n;
      },
      (e: unknown) => {
        this.#probe = null;
        throw e;
      },
    );
    return this.#probe;
  }

  async embed(requests: readonly EmbedRequest[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    await this.verify();
    const user = options.scope ? userKey(options.scope) : null;
    const out = new Array<Float32Array>(requests.length);
    // Unique texts still to fetch, each with the result slots it fills.
    const pending = new Map<string, { item: EmbedItem; slots: number[] }>();
    let hits = 0;
    requests.forEach((r, i) => {
      const key = embeddingKey(user ?? '', this.id, this.#client.sectorAware ? r.sector : '*', r.text);
      const cached = user === null ? undefined : this.#cache.get(key);
      if (cached) {
        // Copies: a caller normalising in place must not change the cache or another slot.
        out[i] = cached.slice();
        hits++;
      } else if (pending.has(key)) pending.get(key)!.slots.push(i);
      else pending.set(key, { item: { text: r.text, sector: r.sector }, slots: [i] });
    });
    if (user !== null) this.#o.metrics.cache(this.provider, hits, pending.size);

    await Promise.all(
      this.#batches([...pending.entries()]).map(async (batch) => {
        const vectors = await this.#call(
          batch.map(([, p]) => p.item),
          this.#dim,
        );
        batch.forEach(([key, p], j) => {
          if (user !== null) this.#cache.set(key, vectors[j]!);
          for (const slot of p.slots) out[slot] = vectors[j]!.slice();
        });
      }),
    );
    return out;
  }

  #batches<T extends [string, { item: EmbedItem }]>(entries: T[]): T[][] {
    const groups = new Map<string, T[]>();
    for (const e of entries) {
      const g = this.#o.mode === 'advanced' ? e[1].item.sector : '';
      const group = groups.get(g);
      if (group) group.push(e);
      else groups.set(g, [e]);
    }
    const size = this.#client.maxBatch;
    const out: T[][] = [];
    for (const g of groups.values()) for (let i = 0; i < g.length; i += size) out.push(g.slice(i, i + size));
    return out;
  }

  /** One provider call, checked: as many vectors as texts, finite numbers, the expected length. */
  async #call(items: readonly EmbedItem[], dim: number | null): Promise<Float32Array[]> {
    let ok = false;
    try {
      const raw = await this.#client.embedBatch(items);
      if (raw.length !== items.length) throw this.#bad(`answered ${raw.length} vectors for ${items.length} texts`);
      const vectors = raw.map((v) => {
        if (!Array.isArray(v) || v.length === 0 || !v.every(Number.isFinite))
          throw this.#bad('answered a vector that is not a list of numbers');
        if (dim !== null && v.length !== dim) {
          throw this.#bad(`answered a ${v.length}-dimensional vector, expected ${dim} (did the model change?)`);
        }
        return normalize(Float32Array.from(v));
      });
      ok = true;
      return vectors;
    } finally {
      this.#o.metrics.call(this.provider, items.length, ok);
    }
  }

  #bad(message: string): ProviderError {
    return new ProviderError(this.provider, this.host, 'bad_response', message);
  }
}
