/** Arithmetic on row-major float32 matrices, shared by the vector index and its partition. */

/** Dot product of the row starting at `base` with `q`, four lanes at a time (the hot loop of every search). */
export function dotAt(data: Float32Array, base: number, q: Float32Array, dim: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let j = 0;
  for (; j + 4 <= dim; j += 4) {
    a += data[base + j]! * q[j]!;
    b += data[base + j + 1]! * q[j + 1]!;
    c += data[base + j + 2]! * q[j + 2]!;
    d += data[base + j + 3]! * q[j + 3]!;
  }
  for (; j < dim; j++) a += data[base + j]! * q[j]!;
  return a + b + c + d;
}

/** Scales rows `from` up to `to` to unit length in place; zero rows stay zero. */
export function normalizeRows(data: Float32Array, dim: number, from: number, to: number): void {
  for (let base = from * dim; base < to * dim; base += dim) {
    const ss = dotAt(data, base, data.subarray(base, base + dim), dim);
    if (ss === 0) continue;
    const inv = 1 / Math.sqrt(ss);
    for (let j = 0; j < dim; j++) data[base + j]! *= inv;
  }
}
