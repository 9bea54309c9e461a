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

/** Differing bits between two 16-hex fingerprints; 64 when either is malformed. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== 16 || b.length !== 16) return 64;
  const [ah, al, bh, bl] = [hex32(a, 0), hex32(a, 8), hex32(b, 0), hex32(b, 8)];
  if (ah < 0 || al < 0 || bh < 0 || bl < 0) return 64;
  return popcount32((ah ^ bh) >>> 0) + popcount32((al ^ bl) >>> 0);
}

export function isNearDuplicate(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && hammingDistance(a, b) <= NEAR_DUPLICATE_BITS;
}

/** Words whose presence or absence does not change what a sentence states. */
const FILLER_WORDS = new Set(['the', 'a', 'an', 'there', 'so', 'just', 'also', 'very', 'really', 'well', 'oh', 'please']);

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
