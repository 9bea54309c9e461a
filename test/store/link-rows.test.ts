import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../bench/corpus.js';
import { LinkRows } from '../../src/store/cache/link-rows.js';

const read = (links: LinkRows, row: number) => {
  const { dstRows, weights, start, count } = links.at(row);
  return Array.from({ length: count }, (_, i) => [dstRows[start + i], weights[start + i]]);
};

test('packed links read back as set through growing, shrinking and removed runs, and past the packing of their buffers', () => {
  const r = rng(7);
  const links = new LinkRows();
  const expected = new Map<number, number[][]>();
  for (let step = 0; step < 20_000; step++) {
    const row = Math.floor(r() * 300);
    const list = Array.from({ length: Math.floor(r() * 6) }, () => [
      Math.floor(r() * 300),
      Math.round(r() * 100) / 100,
    ]);
    links.set(
      row,
      list.map(([dstRow, weight]) => ({ dstRow: dstRow!, weight: weight! })),
    );
    expected.set(row, list);
  }
  for (let row = 0; row < 310; row++) assert.deepEqual(read(links, row), expected.get(row) ?? [], `row ${row}`);
  assert.equal(
    links.size,
    [...expected.values()].reduce((n, l) => n + l.length, 0),
  );
  assert.ok(links.bytes < 64 * 1024, `packed: ${links.bytes} bytes`);
});

test('renumbering keeps the links between live rows under their new numbers', () => {
  const links = new LinkRows();
  links.set(0, [
    { dstRow: 2, weight: 0.9 },
    { dstRow: 1, weight: 0.5 },
  ]);
  links.set(1, [{ dstRow: 0, weight: 0.4 }]);
  links.set(2, [{ dstRow: 3, weight: 0.3 }]);
  links.set(3, [{ dstRow: 2, weight: 0.2 }]);
  // Row 1 is gone; rows 0, 2, 3 become 0, 1, 2.
  links.renumber([0, 2, 3]);
  assert.deepEqual(
    [0, 1, 2, 3].map((row) => read(links, row)),
    [[[1, 0.9]], [[2, 0.3]], [[1, 0.2]], []],
  );
  assert.equal(links.size, 3);
});
