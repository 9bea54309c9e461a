import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../bench/corpus.js';
import { UnitRows } from '../../src/store/unit-rows.js';

/**
 * How far a cosine from int8 storage may be from the float one: each component of the unit row
 * is off by at most half a step (its largest component / 127), the int16 query by 2^-15.
 */
function tolerance(v: Float32Array, q: Float32Array): number {
  const u = unit(v);
  const step = Math.max(...u.map(Math.abs)) / 127;
  return (step / 2) * q.reduce((s, x) => s + Math.abs(x), 0) + 2 ** -15 * u.reduce((s, x) => s + Math.abs(x), 0) + 1e-6;
}

function randomVector(dim: number, r: () => number): Float32Array {
  return Float32Array.from({ length: dim }, () => r() - 0.5);
}

const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let j = 0; j < a.length; j++) [ab, aa, bb] = [ab + a[j]! * b[j]!, aa + a[j]! * a[j]!, bb + b[j]! * b[j]!];
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

// 16 and 256 reach the SIMD kernel (rows of whole 16-byte steps) past a quarter page of rows; 6 and 12 stay on the JavaScript loop.
for (const dim of [6, 12, 16, 256]) {
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
      let worst = 0;
      all.forEach((d, i) => {
        const off = Math.abs(d - cosine(vectors[i]!, q));
        assert.ok(off <= tolerance(vectors[i]!, q), `row ${i} of ${n}: off by ${off}`);
        worst = Math.max(worst, off);
      });
      assert.ok(worst < 5e-3, `worst ${worst}`);
      const list = [n - 1, 0, Math.floor(n / 2)];
      assert.deepEqual(
        [...rows.dotsAt(q, list)],
        list.map((i) => all[i]),
      );
      for (const i of list)
        assert.ok(
          Math.abs(rows.dot(i, q) - all[i]!) <= tolerance(vectors[i]!, q),
          'the JavaScript loop agrees with the kernel',
        );
    }
  });
}

test('rows are unit length, zero stays zero, and copies, clears and reads keep them', () => {
  const rows = new UnitRows(8, 4);
  rows.set(0, Float32Array.of(3, 4, 0, 0, 0, 0, 0, 0));
  rows.set(1, new Float32Array(8));
  assert.deepEqual(
    [...rows.row(0)].map((x) => Math.round(x * 100) / 100),
    [0.6, 0.8, 0, 0, 0, 0, 0, 0],
  );
  assert.deepEqual(
    [...rows.dots(Float32Array.of(1, 0, 0, 0, 0, 0, 0, 0), 2)].map((x) => Math.round(x * 100) / 100),
    [0.6, 0],
  );
  const other = new UnitRows(8, 1);
  other.copy(0, rows, 0);
  assert.deepEqual(other.data, rows.data.subarray(0, 8));
  assert.deepEqual(other.row(0), rows.row(0), 'the scale comes along');
  rows.clear(0);
  assert.equal(rows.dot(0, Float32Array.of(1, 0, 0, 0, 0, 0, 0, 0)), 0);
});
