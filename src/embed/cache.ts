/**
 * LRU cache of recent embeddings (queries repeat). The key is (user, embedder id, sector,
 * SHA-256 of the text): two models or two sectors never share an entry, and neither do two
 * users, since a hit answers faster and would tell one user what another asked.
 */
import { createHash } from 'node:crypto';

export function embeddingKey(user: string, embedderId: string, sector: string, text: string): string {
  const hash = createHash('sha256').update(text, 'utf8').digest('base64');
  return `${user.length}:${user}\u0000${embedderId}\u0000${sector}\u0000${hash}`;
}

export class EmbeddingCache {
  // A Map keeps insertion order: re-inserting on every hit makes the first key the least recent.
  readonly #entries = new Map<string, Float32Array>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Float32Array | undefined {
    const v = this.#entries.get(key);
    if (v === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, v);
    return v;
  }

  set(key: string, value: Float32Array): void {
    if (this.capacity <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}
