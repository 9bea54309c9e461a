/**
 * Unit vectors held as int16 (components times {@link UNIT_SCALE}): half the memory of float32
 * for a cosine that differs by less than 1e-4. Their products with a unit query are cosines
 * (./kernel-matrix.ts computes them).
 */
import { KernelMatrix, type ElementKind } from './kernel-matrix.js';
import { UNIT_SCALE } from './simd-dots.js';

/** Cosine of a stored row with a float unit query (the JavaScript loop; the kernel quantizes the query too). */
function rowDot(data: Int16Array, base: number, q: Float32Array, dim: number): number {
  let sum = 0;
  for (let j = 0; j < dim; j++) sum += data[base + j]! * q[j]!;
  return sum / UNIT_SCALE;
}

const INT16: ElementKind<Int16Array> = {
  bytes: 2,
  make: (buffer, offset, length) => new Int16Array(buffer, offset, length),
  alloc: (length) => new Int16Array(length),
  dots: 'dots16',
  dotsAt: 'dots16At',
  writeQuery(target, q) {
    for (let j = 0; j < target.length; j++) target[j] = Math.round(q[j]! * UNIT_SCALE);
  },
  rowDot,
};

export class UnitRows extends KernelMatrix<Int16Array> {
  /** One row as floats, reused (see {@link UnitRows.row}). */
  readonly #row: Float32Array;

  constructor(dim: number, capacity: number) {
    super(INT16, dim, capacity);
    this.#row = new Float32Array(dim);
  }

  /** Writes `v` scaled to unit length into row `i` (a zero vector stays zero). */
  set(i: number, v: Float32Array): void {
    let ss = 0;
    for (let j = 0; j < this.dim; j++) ss += v[j]! * v[j]!;
    const k = ss > 0 ? UNIT_SCALE / Math.sqrt(ss) : 0;
    const base = i * this.dim;
    for (let j = 0; j < this.dim; j++) this.data[base + j] = Math.round(v[j]! * k);
  }

  /** Copies row `from` of `source` (same width) into row `to`. */
  copy(to: number, source: UnitRows, from: number): void {
    this.data.set(source.data.subarray(from * this.dim, (from + 1) * this.dim), to * this.dim);
  }

  clear(i: number): void {
    this.data.fill(0, i * this.dim, (i + 1) * this.dim);
  }

  /** Row `i` as floats of unit length, in a buffer reused by the next call. */
  row(i: number): Float32Array {
    const base = i * this.dim;
    for (let j = 0; j < this.dim; j++) this.#row[j] = this.data[base + j]! / UNIT_SCALE;
    return this.#row;
  }

  /** Cosine of row `i` with the unit query `q`. */
  dot(i: number, q: Float32Array): number {
    return rowDot(this.data, i * this.dim, q, this.dim);
  }
}
