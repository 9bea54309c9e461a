/**
 * A growable matrix of unit vectors held as int16 (components times {@link UNIT_SCALE}), half
 * the memory of float32 for a cosine that differs by less than 1e-4. It answers "the cosine of
 * these rows with this unit query": from one WebAssembly page of rows on, and when the row width
 * allows, the rows live in a WebAssembly memory of their own and the SIMD kernel
 * (./simd-dots.ts) computes the products; otherwise a plain Int16Array and a JavaScript loop do.
 * Each matrix owns its memory, so one dropped is freed by the garbage collector like any object.
 */
import { dotsKernel, dotsModule, UNIT_SCALE, type DotsKernel } from './simd-dots.js';

const PAGE = 65536;

interface Wasm {
  memory: WebAssembly.Memory;
  kernel: DotsKernel;
}

/** Whether rows of this width at this capacity go to WebAssembly (16-byte steps: 8 components). */
function suitsWasm(dim: number, capacity: number): boolean {
  return dotsModule !== null && dim % 8 === 0 && capacity * dim * 2 >= PAGE;
}

export class UnitRows {
  /** Rows `[0, capacity)`; the view is replaced when the matrix grows. */
  data: Int16Array;
  #capacity: number;
  #wasm: Wasm | null = null;
  /** Plain-JavaScript results, reused between calls. */
  #out: Float32Array | null = null;
  /** One row as floats, reused (see {@link UnitRows.row}). */
  readonly #row: Float32Array;

  constructor(
    readonly dim: number,
    capacity: number,
  ) {
    this.#capacity = Math.max(1, capacity);
    this.#row = new Float32Array(dim);
    this.data = this.#allocate(this.#capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Memory held, for the cache budget. */
  get bytes(): number {
    return this.#wasm ? this.#wasm.memory.buffer.byteLength : this.data.byteLength;
  }

  /** Makes room for at least `rows` rows, keeping every row already written. */
  reserve(rows: number): void {
    if (rows <= this.#capacity) return;
    // A quarter more at a time: a memory only grows, and appends come in batches.
    const capacity = Math.max(rows, Math.ceil(1.25 * this.#capacity));
    const old = this.data;
    if (this.#wasm) {
      const pages = Math.ceil(this.#layoutBytes(capacity) / PAGE) - this.#wasm.memory.buffer.byteLength / PAGE;
      if (pages > 0) this.#wasm.memory.grow(pages);
      // Rows stay where they are; the scratch after them moves with the capacity.
      this.#capacity = capacity;
      this.data = new Int16Array(this.#wasm.memory.buffer, 0, capacity * this.dim);
      return;
    }
    this.data = this.#allocate(capacity);
    this.data.set(old);
    this.#capacity = capacity;
    this.#out = null;
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
    const base = i * this.dim;
    let sum = 0;
    for (let j = 0; j < this.dim; j++) sum += this.data[base + j]! * q[j]!;
    return sum / UNIT_SCALE;
  }

  /** Cosines of the unit query `q` with rows `[0, n)`; a view valid until the next call on this matrix. */
  dots(q: Float32Array, n: number): Float32Array {
    if (this.#wasm) {
      const { qAt, outAt } = this.#scratch(q);
      this.#wasm.kernel.dots16(0, n, this.dim * 2, qAt, outAt);
      return new Float32Array(this.#wasm.memory.buffer, outAt, n);
    }
    const out = this.#jsOut();
    for (let i = 0; i < n; i++) out[i] = this.dot(i, q);
    return out.subarray(0, n);
  }

  /** Cosines of `q` with the listed rows, in list order (each row at most once); valid until the next call. */
  dotsAt(q: Float32Array, rows: ArrayLike<number>): Float32Array {
    const n = rows.length;
    if (this.#wasm) {
      const { qAt, outAt, rowsAt } = this.#scratch(q);
      new Int32Array(this.#wasm.memory.buffer, rowsAt, n).set(rows);
      this.#wasm.kernel.dots16At(0, rowsAt, n, this.dim * 2, qAt, outAt);
      return new Float32Array(this.#wasm.memory.buffer, outAt, n);
    }
    const out = this.#jsOut();
    for (let s = 0; s < n; s++) out[s] = this.dot(rows[s]!, q);
    return out.subarray(0, n);
  }

  /** Memory layout: the rows, the query (int16), the results (float32) and the row list (at most one entry per row). */
  #layoutBytes(capacity: number): number {
    return capacity * this.dim * 2 + this.dim * 2 + capacity * 8;
  }

  /** The query, quantized like the rows, in the scratch area. */
  #scratch(q: Float32Array): { qAt: number; outAt: number; rowsAt: number } {
    const qAt = this.#capacity * this.dim * 2;
    const outAt = qAt + this.dim * 2;
    const scaled = new Int16Array(this.#wasm!.memory.buffer, qAt, this.dim);
    for (let j = 0; j < this.dim; j++) scaled[j] = Math.round(q[j]! * UNIT_SCALE);
    return { qAt, outAt, rowsAt: outAt + this.#capacity * 4 };
  }

  #jsOut(): Float32Array {
    return (this.#out ??= new Float32Array(this.#capacity));
  }

  #allocate(capacity: number): Int16Array {
    if (!this.#wasm && suitsWasm(this.dim, capacity)) {
      try {
        const memory = new WebAssembly.Memory({ initial: Math.ceil(this.#layoutBytes(capacity) / PAGE) });
        this.#wasm = { memory, kernel: dotsKernel(dotsModule!, memory) };
        this.#out = null;
        return new Int16Array(memory.buffer, 0, capacity * this.dim);
      } catch {
        // Out of address space for another memory: this matrix stays plain JavaScript.
      }
    }
    return new Int16Array(capacity * this.dim);
  }
}
