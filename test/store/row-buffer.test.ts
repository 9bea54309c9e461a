import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../bench/corpus.js';
import { RowBuffer } from '../../src/store/row-buffer.js';
import { dotAt } from '../../src/store/row-math.js';
import { dotsModule } from '../../src/store/simd-dots.js';

function fill(buffer: RowBuffer, from: number, to: number, seed: number): void {
  const r = rng(seed);
  for (let i = from * buffer.dim; i < to * buffer.dim; i++) buffer.data[i] = r() - 0.5;
}

/** Every product the buffer gives equals the plain dot product of the row it stands for. */
function assertDots(buffer: RowBuffer, rows: number, seed: number): void {
  const r = rng(seed);
  const q = Float32Array.from({ length: buffer.dim }, () => r() - 0.5);
  const all = [...buffer.dots(q, rows)];
  assert.equal(all.length, rows);
  all.forEach((d, i) => assert.ok(Math.abs(d - dotAt(buffer.data, i * buffer.dim, q, buffer.dim)) < 1e-4, `row ${i}`));
  // From a later row: the same products, of the rows from there on.
  const from = Math.floor(rows / 3);
  assert.deepEqual([...buffer.dots(q, rows, from)], all.slice(from));
  const list = [rows - 1, 0, Math.floor(rows / 2), 1].filter((x, i, xs) => x >= 0 && xs.indexOf(x) === i);
  const some = [...buffer.dotsAt(q, list)];
  list.forEach((row, s) => assert.ok(Math.abs(some[s]! - all[row]!) < 1e-6, `listed row ${row}`));
}

test('the SIMD kernel assembles and validates on this runtime', () => {
  assert.ok(dotsModule, 'WebAssembly SIMD is available on every supported Node version');
});

for (const dim of [4, 6, 8, 12, 20, 256, 1536]) {
  test(`products of ${dim}-float rows match the plain dot product as the buffer grows`, () => {
    const buffer = new RowBuffer(dim, 3);
    fill(buffer, 0, 3, dim);
    assertDots(buffer, 3, 1);
    // Past one WebAssembly page (widths that are a multiple of 4 move there), then grown in place.
    for (const rows of [5000, 12000]) {
      const before = buffer.capacity;
      buffer.reserve(rows);
      assert.ok(buffer.capacity >= rows);
      fill(buffer, before, rows, dim + rows);
      assertDots(buffer, rows, rows);
    }
  });
}

test('rows written before growth keep their values', () => {
  const buffer = new RowBuffer(8, 2);
  buffer.data.set([1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8]);
  buffer.reserve(10000);
  assert.deepEqual([...buffer.data.subarray(0, 16)], [1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8]);
  assert.deepEqual([...buffer.dots(Float32Array.of(1, 0, 0, 0, 0, 0, 0, 1), 2)], [9, -9]);
});
