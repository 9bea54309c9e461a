/**
 * A growable row-major matrix that answers "the products of these rows with this query". From
 * a quarter of a WebAssembly page of rows on, and when the row width allows, the rows live in a
 * WebAssembly memory of their own and the SIMD kernel (./simd-dots.ts) computes the products;
 * otherwise a typed array and a JavaScript loop do. Each matrix owns its memory, so one dropped
 * is freed by the garbage collector like any other object. The element kind (float32 or int8)
 * says how rows are held and which kernel reads them.
 */
import { dotsKernel, dotsModule, type DotsKernel } from './simd-dots.js';

const PAGE = 65536;
/** Rows worth a WebAssembly memory (whole pages): a quarter page of them wastes at most three quarters. */
const KERNEL_MIN_BYTES = PAGE / 4;

type Rows = Float32Array | Int8Array;

/** How one element type is held and read. */
export interface ElementKind<A extends Rows> {
  /** The typed array rows are held in. */
  array: {
    new (length: number): A;
    new (buffer: ArrayBufferLike, offset: number, length: number): A;
    readonly BYTES_PER_ELEMENT: number;
  };
  /** The kernel's functions for consecutive and listed rows. */
  dots: 'dots' | 'dots8';
  dotsAt: 'dotsAt' | 'dots8At';
  /** Bytes per query component in the kernel's scratch. */
  queryBytes: number;
  /** Writes the query into the kernel's scratch at `offset`, encoded as the kernel reads it. */
  writeQuery(buffer: ArrayBufferLike, offset: number, q: Float32Array): void;
  /** The product of one row with the query, in JavaScript. */
  rowDot(data: A, base: number, q: Float32Array, dim: number): number;
}

interface Wasm {
  memory: WebAssembly.Memory;
  kernel: DotsKernel;
}

export class KernelMatrix<A extends Rows> {
  /** Rows `[0, capacity)`; the view is replaced when the matrix grows. */
  data: A;
  #capacity: number;
  #wasm: Wasm | null = null;
  /** Plain-JavaScript results, reused between calls. */
  #out: Float32Array | null = null;

  constructor(
    protected readonly kind: ElementKind<A>,
    readonly dim: number,
    capacity: number,
  ) {
    this.#capacity = Math.max(1, capacity);
    this.data = this.#allocate(this.#capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  get #rowBytes(): number {
    return this.dim * this.kind.array.BYTES_PER_ELEMENT;
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
      this.data = new this.kind.array(this.#wasm.memory.buffer, 0, capacity * this.dim);
      return;
    }
    this.data = this.#allocate(capacity);
    this.data.set(old);
    this.#capacity = capacity;
    this.#out = null;
  }

  /** Products of `q` with rows `[from, n)`, in row order; a view valid until the next call on this matrix. */
  dots(q: Float32Array, n: number, from = 0): Float32Array {
    const count = Math.max(0, n - from);
    if (this.#wasm) {
      const { qAt, outAt } = this.#scratch(q);
      const rowBytes = this.#rowBytes;
      this.#wasm.kernel[this.kind.dots](from * rowBytes, count, rowBytes, qAt, outAt);
      return new Float32Array(this.#wasm.memory.buffer, outAt, count);
    }
    const out = this.#jsOut();
    for (let i = 0; i < count; i++) out[i] = this.kind.rowDot(this.data, (from + i) * this.dim, q, this.dim);
    return out.subarray(0, count);
  }

  /** Products of `q` with the listed rows, in list order (each row at most once); valid until the next call. */
  dotsAt(q: Float32Array, rows: ArrayLike<number>): Float32Array {
    const n = rows.length;
    if (this.#wasm) {
      const { qAt, outAt, rowsAt } = this.#scratch(q);
      new Int32Array(this.#wasm.memory.buffer, rowsAt, n).set(rows);
      this.#wasm.kernel[this.kind.dotsAt](0, rowsAt, n, this.#rowBytes, qAt, outAt);
      return new Float32Array(this.#wasm.memory.buffer, outAt, n);
    }
    const out = this.#jsOut();
    for (let s = 0; s < n; s++) out[s] = this.kind.rowDot(this.data, rows[s]! * this.dim, q, this.dim);
    return out.subarray(0, n);
  }

  /** Memory layout: the rows, then the query, the results (float32) and the row list (at most one entry per row). */
  #layoutBytes(capacity: number): number {
    return capacity * this.#rowBytes + this.dim * this.kind.queryBytes + capacity * 8;
  }

  #scratch(q: Float32Array): { qAt: number; outAt: number; rowsAt: number } {
    const qAt = this.#capacity * this.#rowBytes;
    const outAt = qAt + this.dim * this.kind.queryBytes;
    this.kind.writeQuery(this.#wasm!.memory.buffer, qAt, q);
    return { qAt, outAt, rowsAt: outAt + this.#capacity * 4 };
  }

  #jsOut(): Float32Array {
    return (this.#out ??= new Float32Array(this.#capacity));
  }

  /** Rows of a width the kernel steps through (16 bytes) go to WebAssembly from a quarter page on. */
  #allocate(capacity: number): A {
    const rowBytes = this.#rowBytes;
    if (!this.#wasm && dotsModule !== null && rowBytes % 16 === 0 && capacity * rowBytes >= KERNEL_MIN_BYTES) {
      try {
        const memory = new WebAssembly.Memory({ initial: Math.ceil(this.#layoutBytes(capacity) / PAGE) });
        this.#wasm = { memory, kernel: dotsKernel(dotsModule, memory) };
        this.#out = null;
        return new this.kind.array(memory.buffer, 0, capacity * this.dim);
      } catch {
        // Out of address space for another memory: this matrix stays plain JavaScript.
      }
    }
    return new this.kind.array(capacity * this.dim);
  }
}
