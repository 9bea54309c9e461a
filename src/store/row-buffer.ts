/**
 * A growable row-major float32 matrix that answers "the dot product of these rows with this
 * query": the centroids of a partition (./vector-partition.ts; the indexed vectors themselves
 * are int16, ./unit-rows.ts). From one WebAssembly page of rows on, and when the row width allows, the rows live in
 * a WebAssembly memory of their own and the SIMD kernel (./simd-dots.ts) computes the products;
 * otherwise a plain Float32Array and a JavaScript loop do. Each buffer owns its memory, so an
 * index dropped from the cache is freed by the garbage collector like any other object.
 */
import { dotsKernel, dotsModule, type DotsKernel } from './simd-dots.js';
import { dotAt } from './row-math.js';

const PAGE = 65536;

interface Wasm {
  memory: WebAssembly.Memory;
  kernel: DotsKernel;
}

/** Whether rows of this width at this capacity go to WebAssembly. */
function suitsWasm(dim: number, capacity: number): boolean {
  return dotsModule !== null && dim % 4 === 0 && capacity * dim * 4 >= PAGE;
}

export class RowBuffer {
  /** Rows `[0, capacity)`; the view is replaced when the buffer grows. */
  data: Float32Array;
  #capacity: number;
  #wasm: Wasm | null = null;
  /** Plain-JavaScript results, reused between calls. */
  #out: Float32Array | null = null;

  constructor(
    readonly dim: number,
    capacity: number,
  ) {
    this.#capacity = Math.max(1, capacity);
    this.data = this.#allocate(this.#capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Makes room for at least `rows` rows, keeping every row already written. */
  reserve(rows: number): void {
    if (rows <= this.#capacity) return;
    const capacity = Math.max(rows, 2 * this.#capacity);
    const old = this.data;
    if (this.#wasm) {
      this.#capacity = capacity;
      const pages = Math.ceil(this.#layoutBytes(capacity) / PAGE) - this.#wasm.memory.buffer.byteLength / PAGE;
      if (pages > 0) this.#wasm.memory.grow(pages);
      this.data = new Float32Array(this.#wasm.memory.buffer, 0, capacity * this.dim);
      return;
    }
    this.data = this.#allocate(capacity);
    this.data.set(old);
    this.#capacity = capacity;
    this.#out = null;
  }

  /** Products of `q` with rows `[0, n)`; the result is a view valid until the next call on this buffer. */
  dots(q: Float32Array, n: number): Float32Array {
    const { dim } = this;
    if (this.#wasm) {
      const { qAt, outAt } = this.#scratch(q);
      this.#wasm.kernel.dots(0, n, dim * 4, qAt, outAt);
      return new Float32Array(this.#wasm.memory.buffer, outAt, n);
    }
    const out = this.#jsOut();
    for (let i = 0; i < n; i++) out[i] = dotAt(this.data, i * dim, q, dim);
    return out.subarray(0, n);
  }

  /** Products of `q` with the listed rows, in list order (each row at most once); valid until the next call. */
  dotsAt(q: Float32Array, rows: ArrayLike<number>): Float32Array {
    const { dim } = this;
    const n = rows.length;
    if (this.#wasm) {
      const { qAt, outAt, rowsAt } = this.#scratch(q);
      new Int32Array(this.#wasm.memory.buffer, rowsAt, n).set(rows);
      this.#wasm.kernel.dotsAt(0, rowsAt, n, dim * 4, qAt, outAt);
      return new Float32Array(this.#wasm.memory.buffer, outAt, n);
    }
    const out = this.#jsOut();
    for (let s = 0; s < n; s++) out[s] = dotAt(this.data, rows[s]! * dim, q, dim);
    return out.subarray(0, n);
  }

  /** Memory layout: the rows, then the query, the results and the row list (at most one entry per row). */
  #layoutBytes(capacity: number): number {
    return capacity * this.dim * 4 + this.dim * 4 + capacity * 8;
  }

  #scratch(q: Float32Array): { qAt: number; outAt: number; rowsAt: number } {
    const qAt = this.#capacity * this.dim * 4;
    const outAt = qAt + this.dim * 4;
    new Float32Array(this.#wasm!.memory.buffer, qAt, this.dim).set(q);
    return { qAt, outAt, rowsAt: outAt + this.#capacity * 4 };
  }

  #jsOut(): Float32Array {
    return (this.#out ??= new Float32Array(this.#capacity));
  }

  #allocate(capacity: number): Float32Array {
    if (!this.#wasm && suitsWasm(this.dim, capacity)) {
      try {
        const memory = new WebAssembly.Memory({ initial: Math.ceil(this.#layoutBytes(capacity) / PAGE) });
        this.#wasm = { memory, kernel: dotsKernel(dotsModule!, memory) };
        this.#out = null;
        return new Float32Array(memory.buffer, 0, capacity * this.dim);
      } catch {
        // Out of address space for another memory: this buffer stays plain JavaScript.
      }
    }
    return new Float32Array(capacity * this.dim);
  }
}
