/** Fixed-window request limit per client (API key id, or address when no key is used). */

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export class RateLimiter {
  #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  hit(client: string): RateDecision {
    const now = this.now();
    let w = this.#windows.get(client);
    if (!w || now - w.start >= this.windowMs) {
      if (this.#windows.size > 10_000) this.#purge(now);
      w = { start: now, count: 0 };
      this.#windows.set(client, w);
    }
    w.count += 1;
    return {
      allowed: w.count <= this.max,
      limit: this.max,
      remaining: Math.max(0, this.max - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)),
    };
  }

  #purge(now: number): void {
    for (const [k, w] of this.#windows) if (now - w.start >= this.windowMs) this.#windows.delete(k);
  }
}
