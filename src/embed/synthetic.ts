/**
 * Deterministic offline embedder in the spirit of v1.2's synthetic one (reference §5.5):
 * feature hashing of canonical tokens, their synonyms, character 3/4-grams and word bigrams,
 * L2-normalised. Differences that matter for recall: features are NOT prefixed by sector
 * (v1.2 put each sector in an unrelated subspace, so mean vectors of memories with
 * different sectors were incomparable), only a small sector marker differs; and the
 * position/length features that made unrelated texts of equal length look alike are gone.
 */
import { fnv1a32, murmur32 } from '../core/hash.js';
import { SECTOR_CONFIGS } from '../core/sectors.js';
import { canonicalTokens, isStopword, synonymsOf } from '../core/tokens.js';
import { normalize } from '../core/vector.js';
import { embedderId, type EmbedRequest, type Embedder } from './embedder.js';

export const SYNTHETIC_MODEL = 'om2';

function add(vec: Float32Array, key: string, value: number): void {
  const h = fnv1a32(key);
  vec[h % vec.length]! += h & 0x80000000 ? -value : value;
  const m = murmur32(key);
  // Signed like the first slot: an always-positive slot would make unrelated texts look alike.
  vec[m % vec.length]! += m & 0x40000000 ? -value / 2 : value / 2;
}

/** Grams of code points; a text without surrogate pairs is sliced directly (most tokens). */
function charGrams(token: string, n: number): string[] {
  const padded = `<${token}>`;
  const chars = /[\uD800-\uDFFF]/.test(padded) ? Array.from(padded) : padded;
  if (chars.length <= n) return [padded];
  const out: string[] = [];
  for (let i = 0; i + n <= chars.length; i++)
    out.push(typeof chars === 'string' ? chars.slice(i, i + n) : chars.slice(i, i + n).join(''));
  return out;
}

/** The features of the text itself, before the sector marker and normalisation; null for a text without tokens. */
function textFeatures(text: string, dim: number): Float32Array | null {
  const vec = new Float32Array(dim);
  const tokens = canonicalTokens(text);
  if (tokens.length === 0) return null;
  const tf = new Map<string, number>();
  for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
  for (const [token, count] of tf) {
    const w = (isStopword(token) ? 0.1 : 1) * (1 + Math.log(count));
    add(vec, `t:${token}`, w);
    for (const syn of synonymsOf(token)) if (syn !== token) add(vec, `t:${syn}`, 0.5 * w);
    for (const g of charGrams(token, 3)) add(vec, `c3:${g}`, 0.35 * w);
    for (const g of charGrams(token, 4)) add(vec, `c4:${g}`, 0.25 * w);
  }
  for (let i = 1; i < tokens.length; i++) {
    const pair = [tokens[i - 1]!, tokens[i]!];
    if (pair.every(isStopword)) continue;
    add(vec, `b:${pair[0]}_${pair[1]}`, 0.5);
  }
  return vec;
}

function withSector(features: Float32Array | null, sector: EmbedRequest['sector'], dim: number): Float32Array {
  if (!features) return new Float32Array(dim).fill(1 / Math.sqrt(dim));
  const vec = Float32Array.from(features);
  add(vec, `sector:${sector}`, 0.1 * SECTOR_CONFIGS[sector].embedFactor);
  return normalize(vec);
}

export function syntheticVector(text: string, sector: EmbedRequest['sector'], dim: number): Float32Array {
  return withSector(textFeatures(text, dim), sector, dim);
}

export class SyntheticEmbedder implements Embedder {
  readonly provider = 'synthetic';
  readonly model = SYNTHETIC_MODEL;
  readonly id: string;

  constructor(readonly dim: number) {
    this.id = embedderId(this.provider, this.model, dim);
  }

  async embed(requests: readonly EmbedRequest[]): Promise<Float32Array[]> {
    // A query asks for the same text in every sector: its features are computed once.
    const features = new Map<string, Float32Array | null>();
    return requests.map((r) => {
      let f = features.get(r.text);
      if (f === undefined) {
        f = textFeatures(r.text, this.dim);
        features.set(r.text, f);
      }
      return withSector(f, r.sector, this.dim);
    });
  }
}
