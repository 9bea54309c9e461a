import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../bench/corpus.js';
import { UnitRows } from '../../src/store/unit-rows.js';

/** Cosines from int16 storage stay this close to the float ones. */
const PRECISION = 2e-4;

function randomVector(dim: number, r: () => number): Float32Array {
  return Float32Array.from({ length: dim }, () => r() - 0.5);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) [ab, aa, bb] = [ab + a[j]! * b[j]!, aa + a[j]! * a[j]!, bb + b[j]! * b[j]!];
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

// 8 and 256 reach the SIMD kernel past one page of rows; 6 and 12 stay on the JavaScript loop.
for (const dim of [6, 8, 12, 256]) {
  test(`cosines of ${dim}-component rows match the float cosine as the matrix grows`, () => {
    const r = rng(dim);
    const rows = new UnitRows(dim, 3);
    const vectors: Float32Array[] = [];
    for (const n of [3, 5000, 9000]) {
      rows.reserve(n);
      for (let i = vectors.length; i < n; i++) {
        vectors.push(randomVector(dim, r));
        rows.set(i, vectors[i]!);
      }
      const q = unit(randomVector(dim, r));
      const all = [...rows.dots(q, n)];
      all.forEach((d, i) => assert.ok(Math.abs(d - cosine(vectors[i]!, q)) < PRECISION, `row ${i} of ${n}`));
      const list = [n - 1, 0, Math.floor(n / 2)];
      assert.deepEqual([...rows.dotsAt(q, list)], list.map((i) => all[i]));
      for (const i of list) assert.ok(Math.abs(rows.dot(i, q) - all[i]!) < PRECISION);
    }
  });
}

test('rows are unit length, zero stays zero, and copies, clears and reads keep them', () => {
  const rows = new UnitRows(8, 4);
  rows.set(0, Float32Array.of(3, 4, 0, 0, 0, 0, 0, 0));
  rows.set(1, new Float32Array(8));
  assert.deepEqual([...rows.row(0)].map((x) => Math.round(x * 1000) / 1000), [0.6, 0.8, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...rows.dots(Float32Array.of(1, 0, 0, 0, 0, 0, 0, 0), 2)].map((x) => Math.round(x * 1000) / 1000), [0.6, 0]);
  const other = new UnitRows(8, 1);
  other.copy(0, rows, 0);
  assert.deepEqual(other.data, rows.data.subarray(0, 8));
  rows.clear(0);
  assert.equal(rows.dot(0, Float32Array.of(1, 0, 0, 0, 0, 0, 0, 0)), 0);
});
