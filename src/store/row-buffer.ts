/**
 * Float32 rows with their products (./kernel-matrix.ts): the centroids of a partition
 * (./vector-partition.ts; the indexed vectors themselves are int8, ./unit-rows.ts).
 */
import { KernelMatrix, type ElementKind } from './kernel-matrix.js';
import { dotAt } from './row-math.js';

const FLOAT32: ElementKind<Float32Array> = {
  array: Float32Array,
  dots: 'dots',
  dotsAt: 'dotsAt',
  queryBytes: 4,
  writeQuery: (buffer, offset, q) => new Float32Array(buffer, offset, q.length).set(q),
  rowDot: dotAt,
};

export class RowBuffer extends KernelMatrix<Float32Array> {
  constructor(dim: number, capacity: number) {
    super(FLOAT32, dim, capacity);
  }
}
