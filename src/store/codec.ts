/** Encodings shared by both backends: float32 little-endian blobs and JSON text columns. */
import { validationError } from '../errors.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Raw float32 LE bytes, 4 per value, no header (v1.2 §1.4). Rejects empty or non-finite vectors. */
export function encodeVector(vector: Float32Array): Buffer {
  if (vector.length === 0) throw validationError('vector must not be empty');
  for (const x of vector) if (!Number.isFinite(x)) throw validationError('vector values must be finite numbers');
  const out = Buffer.alloc(vector.length * 4);
  if (LITTLE_ENDIAN) out.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  else vector.forEach((x, i) => out.writeFloatLE(x, i * 4));
  return out;
}

/** Inverse of {@link encodeVector}; trailing bytes that do not form a float are ignored. */
export function decodeVector(bytes: Uint8Array): Float32Array {
  const n = Math.floor(bytes.byteLength / 4);
  const out = new Float32Array(n);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/** Decodes a nullable blob column; anything that is not bytes (upgraded garbage) reads as null. */
export function decodeOptionalVector(value: unknown): Float32Array | null {
  return value instanceof Uint8Array && value.byteLength >= 4 ? decodeVector(value) : null;
}

/** JSON text column → value, or `fallback` when the text is missing or not valid JSON. */
export function parseJson<T>(text: unknown, accept: (v: unknown) => v is T, fallback: T): T {
  if (typeof text !== 'string') return fallback;
  try {
    const v: unknown = JSON.parse(text);
    return accept(v) ? v : fallback;
  } catch {
    return fallback;
  }
}

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
