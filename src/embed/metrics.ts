/**
 * Counters of embedding calls per provider, as a plain object the HTTP `/metrics` route
 * renders. A "call" is one batch as the embedder sees it (its retries included); a "request"
 * is one HTTP attempt, and latency is measured per request, without time spent queued.
 */
export interface ProviderMetricsSnapshot {
  calls: number;
  texts: number;
  /** Calls that failed for good. */
  errors: number;
  requests: number;
  /** Requests that failed (each may have been retried). */
  failedRequests: number;
  retries: number;
  cacheHits: number;
  cacheMisses: number;
  latencyMsTotal: number;
  latencyMsMax: number;
  latencyMsAvg: number;
}

export type EmbedMetricsSnapshot = Record<string, ProviderMetricsSnapshot>;

const empty = (): ProviderMetricsSnapshot => ({
  calls: 0,
  texts: 0,
  errors: 0,
  requests: 0,
  failedRequests: 0,
  retries: 0,
  cacheHits: 0,
  cacheMisses: 0,
  latencyMsTotal: 0,
  latencyMsMax: 0,
  latencyMsAvg: 0,
});

export class EmbedMetrics {
  readonly #byProvider = new Map<string, ProviderMetricsSnapshot>();

  #of(provider: string): ProviderMetricsSnapshot {
    let m = this.#byProvider.get(provider);
    if (!m) this.#byProvider.set(provider, (m = empty()));
    return m;
  }

  call(provider: string, texts: number, ok: boolean): void {
    const m = this.#of(provider);
    m.calls++;
    m.texts += texts;
    if (!ok) m.errors++;
  }

  request(provider: string, latencyMs: number, ok: boolean): void {
    const m = this.#of(provider);
    m.requests++;
    if (!ok) m.failedRequests++;
    m.latencyMsTotal += latencyMs;
    m.latencyMsMax = Math.max(m.latencyMsMax, latencyMs);
  }

  retry(provider: string): void {
    this.#of(provider).retries++;
  }

  cache(provider: string, hits: number, misses: number): void {
    const m = this.#of(provider);
    m.cacheHits += hits;
    m.cacheMisses += misses;
  }

  snapshot(): EmbedMetricsSnapshot {
    const out: EmbedMetricsSnapshot = {};
    for (const [provider, m] of this.#byProvider) {
      out[provider] = { ...m, latencyMsAvg: m.requests === 0 ? 0 : m.latencyMsTotal / m.requests };
    }
    return out;
  }
}

/** Two snapshots (of two engines) as one: counters added, the worst latency kept. */
export function mergeEmbedMetrics(a: EmbedMetricsSnapshot, b: EmbedMetricsSnapshot): EmbedMetricsSnapshot {
  const out: EmbedMetricsSnapshot = { ...a };
  for (const [provider, m] of Object.entries(b)) {
    const o = out[provider];
    if (!o) {
      out[provider] = m;
      continue;
    }
    const keys = Object.keys(m) as Array<keyof ProviderMetricsSnapshot>;
    const sum = Object.fromEntries(keys.map((k) => [k, o[k] + m[k]])) as unknown as ProviderMetricsSnapshot;
    out[provider] = {
      ...sum,
      latencyMsMax: Math.max(o.latencyMsMax, m.latencyMsMax),
      latencyMsAvg: sum.requests === 0 ? 0 : sum.latencyMsTotal / sum.requests,
    };
  }
  return out;
}
