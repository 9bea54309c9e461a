/**
 * A real 64-bit simhash (v1.2's JavaScript shifts only produced 32 bits printed twice).
 * Each distinct canonical token votes with two independent 32-bit hashes, one per half.
 */
import { fnv1a32, murmur32 } from './hash.js';
import { tokenSet } from './tokens.js';

/** Fingerprints this close (in differing bits) are the same text for deduplication. */
export const NEAR_DUPLICATE_BITS = 3;

function vote(counts: Int32Array, offset: number, hash: number): void {
  for (let bit = 0; bit < 32; bit++) counts[offset + bit]! += (hash >>> bit) & 1 ? 1 : -1;
}

function half(counts: Int32Array, offset: number): string {
  let v = 0;
  for (let bit = 0; bit < 32; bit++) if (counts[offset + bit]! > 0) v |= 1 << bit;
  return (v >>> 0).toString(16).padStart(8, '0');
}

/** 16 lower-case hex characters. Text without any token falls back to its trimmed characters. */
export function simhash(text: string): string {
  const tokens = tokenSet(text, false);
  if (tokens.size === 0) tokens.add(text.trim());
  const counts = new Int32Array(64);
  for (const t of tokens) {
    vote(counts, 0, murmur32(t));
    vote(counts, 32, fnv1a32(t));
  }
  return half(counts, 0) + half(counts, 32);
}

function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The value of the 8 hex digits of `s` from `at`, or -1 when one is not a hex digit. */
function hex32(s: string, at: number): number {
  let v = 0;
  for (let i = at; i < at + 8; i++) {
    const c = s.charCodeAt(i);
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (digit < 0) return -1;
    v = v * 16 + digit;
  }
  return v;
}

/** A fingerprint's two halves as numbers, parsed once for many comparisons; null when malformed. */
export type FingerprintBits = readonly [number, number];

export function fingerprintBits(s: string | null): FingerprintBits | null {
  if (s === null || s.length !== 16) return null;
  const [hi, lo] = [hex32(s, 0), hex32(s, 8)];
  return hi < 0 || lo < 0 ? null : [hi, lo];
}

/** Differing bits; 64 when either is malformed. */
export function bitDistance(a: FingerprintBits | null, b: FingerprintBits | null): number {
  return a && b ? popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0) : 64;
}

/** Differing bits between two 16-hex fingerprints; 64 when either is malformed. */
export function hammingDistance(a: string, b: string): number {
  return bitDistance(fingerprintBits(a), fingerprintBits(b));
}

export function isNearDuplicate(a: string | FingerprintBits | null, b: string | FingerprintBits | null): boolean {
  const bits = (x: string | FingerprintBits | null) => (typeof x === 'string' ? fingerprintBits(x) : x);
  return bitDistance(bits(a), bits(b)) <= NEAR_DUPLICATE_BITS;
}

/** Words whose presence or absence does not change what a sentence states. */
const FILLER_WORDS = new Set([
  'the',
  'a',
  'an',
  'there',
  'so',
  'just',
  'also',
  'very',
  'really',
  'well',
  'oh',
  'please',
]);

/**
 * Whether two texts state the same thing, for deduplication: the same words (unfolded, lightly
 * stemmed, any order) apart from fillers. A fingerprint alone is not enough: short texts that
 * differ by one name or number ("the key of project A" / "of project B") often share it, and
 * merging them would lose a fact.
 */
export function sameWording(a: string, b: string): boolean {
  const wa = tokenSet(a, false);
  const wb = tokenSet(b, false);
  if (wa.size === 0 || wb.size === 0) return wa.size === wb.size && a.trim() === b.trim();
  for (const t of wa) if (!wb.has(t) && !FILLER_WORDS.has(t)) return false;
  for (const t of wb) if (!wa.has(t) && !FILLER_WORDS.has(t)) return false;
  return true;
}
