/**
 * Unit vectors held as int8, each row scaled so its largest component is ±127, with that scale
 * beside it: a quarter of the memory of float32 for a cosine within about 1e-3 of the float one
 * (half the int16 it replaced: a search over 100 users' vectors is bound by reading them).
 * Their products with a unit query are cosines (./kernel-matrix.ts computes the sums; each is
 * multiplied by its row's scale here).
 */
import { grown } from './grown.js';
import { KernelMatrix, type ElementKind } from './kernel-matrix.js';
import { UNIT_SCALE } from './simd-dots.js';

const INT8_MAX = 127;

/** The unscaled product of a stored row with a float query (the JavaScript loop; the kernel quantizes the query to int16). */
function rowDot(data: Int8Array, base: number, q: Float32Array, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += data[base + j]! * q[j]!;
  return sum;
}

const INT8: ElementKind<Int8Array> = {
  array: Int8Array,
  dots: 'dots8',
  dotsAt: 'dots8At',
  queryBytes: 2,
  writeQuery(buffer, offset, q) {
    const target = new Int16Array(buffer, offset, q.length);
    for (let j = 0; j < q.length; j++) target[j] = Math.round(q[j]! * UNIT_SCALE);
  },
  rowDot,
};

export class UnitRows extends KernelMatrix<Int8Array> {
  /** Each row's component per int8 step (0: a zero row). */
  #scales: Float32Array;
  /** One row as floats, reused (see {@link UnitRows.row}). */
  readonly #row: Float32Array;

  constructor(dim: number, capacity: number) {
    super(INT8, dim, capacity);
    this.#scales = new Float32Array(this.capacity);
    this.#row = new Float32Array(dim);
  }

  override get bytes(): number {
    return super.bytes + this.#scales.byteLength;
  }

  override reserve(rows: number): void {
    super.reserve(rows);
    this.#scales = grown(this.#scales, this.capacity);
  }

  /** Writes `v` scaled to unit length into row `i` (a zero vector stays zero). */
  set(i: number, v: Float32Array): void {
    let ss = 0;
    let max = 0;
    for (let j = 0; j < this.dim; j++) {
      ss += v[j]! * v[j]!;
      max = Math.max(max, Math.abs(v[j]!));
    }
    // Unit length is v / √ss; its largest component, max / √ss, becomes 127.
    const k = max > 0 ? INT8_MAX / max : 0;
    const base = i * this.dim;
    for (let j = 0; j < this.dim; j++) this.data[base + j] = Math.round(v[j]! * k);
    this.#scales[i] = max > 0 ? max / Math.sqrt(ss) / INT8_MAX : 0;
  }

  /** Copies row `from` of `source` (same width) into row `to`. */
  copy(to: number, source: UnitRows, from: number): void {
    this.data.set(source.data.subarray(from * this.dim, (from + 1) * this.dim), to * this.dim);
    this.#scales[to] = source.#scales[from]!;
  }

  clear(i: number): void {
    this.data.fill(0, i * this.dim, (i + 1) * this.dim);
    this.#scales[i] = 0;
  }

  /** Row `i` as floats of unit length, in a buffer reused by the next call. */
  row(i: number): Float32Array {
    const base = i * this.dim;
    const scale = this.#scales[i]!;
    for (let j = 0; j < this.dim; j++) this.#row[j] = this.data[base + j]! * scale;
    return this.#row;
  }

  /** Cosine of row `i` with the unit query `q`. */
  dot(i: number, q: Float32Array): number {
    return rowDot(this.data, i * this.dim, q, this.dim) * this.#scales[i]!;
  }

  override dots(q: Float32Array, n: number, from = 0): Float32Array {
    const out = super.dots(q, n, from);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * this.#scales[from + i]!;
    return out;
  }

  override dotsAt(q: Float32Array, rows: ArrayLike<number>): Float32Array {
    const out = super.dotsAt(q, rows);
    for (let s = 0; s < out.length; s++) out[s] = out[s]! * this.#scales[rows[s]!]!;
    return out;
  }
}
