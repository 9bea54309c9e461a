import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../bench/corpus.js';
import {
  appendRows,
  cosineAt,
  exactDots,
  memoryRowsOf,
  nearestRows,
  PARTITION_MIN_ROWS,
  removeRows,
  rowOfId,
  rowOfMemory,
  toUnitMatrix,
  unit,
  type UnitMatrix,
} from '../../src/store/vector-index.js';

/** Cosine top-k of a query (any length) over the index: exact below the partition size, else through it. */
const searchUnitMatrix = (index: UnitMatrix, query: Float32Array, k: number) => nearestRows(index, unit(query), k);

const DIM = 32;

/** Clustered random vectors, as real embeddings are: a few topics with noise around each. */
function vectors(n: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const topics = Array.from({ length: 40 }, () => Float32Array.from({ length: DIM }, () => r() - 0.5));
  return Array.from({ length: n }, () => {
    const t = topics[Math.floor(r() * topics.length)]!;
    return Float32Array.from(t, (x) => x + 0.3 * (r() - 0.5));
  });
}

function matrix(vs: Float32Array[], prefix: string) {
  const data = new Float32Array(vs.length * DIM);
  vs.forEach((v, i) => data.set(v, i * DIM));
  return toUnitMatrix({ ids: vs.map((_, i) => `${prefix}${String(i).padStart(6, '0')}`), dim: DIM, data });
}

test('below the partition size the search is exact and ties break by id', () => {
  const vs = vectors(500, 1);
  const index = matrix([...vs, vs[0]!], 'a');
  const hits = searchUnitMatrix(index, vs[0]!, 3);
  assert.deepEqual(
    hits.slice(0, 2).map((h) => h.id),
    ['a000000', 'a000500'],
  );
  assert.ok(Math.abs(hits[0]!.similarity - 1) < 2e-4);
  assert.equal(index.partition, undefined);
});

test('the exact top-k equals a full sort by product then id, with ties and removed rows', () => {
  const r = rng(7);
  // Few distinct vectors: many rows share a product, so the order of ties is exercised.
  const pool = vectors(6, 3);
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(r() * 80);
    const ids = Array.from({ length: n }, () => `c${Math.floor(r() * 1e6)}-${Math.random()}`.slice(0, 12));
    const unique = [...new Set(ids)];
    const data = new Float32Array(unique.length * DIM);
    unique.forEach((_, i) => data.set(pool[Math.floor(r() * pool.length)]!, i * DIM));
    let index = toUnitMatrix({ ids: unique, dim: DIM, data });
    const gone = new Set(unique.filter(() => r() < 0.2));
    if (gone.size > 0) index = removeRows(index, gone);
    const q = unit(pool[Math.floor(r() * pool.length)]!);
    const k = 1 + Math.floor(r() * 40);
    // The products the search itself reads (the kernel's rounding, not the row-by-row one's).
    const dots = exactDots(index, q);
    const expected = index.ids
      .map((id, row) => ({ id, row: -1, similarity: cosineAt(index, q, row, dots) }))
      .filter((h) => h.id !== '' && !gone.has(h.id))
      .sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1))
      .slice(0, k);
    assert.deepEqual(nearestRows(index, q, k), expected);
  }
});

// 24 lists (every row filed against every centroid) and 78 (filed through coarse groups).
for (const rows of [PARTITION_MIN_ROWS + 2000, 20_000]) {
  test(`a partitioned index of ${rows} rows finds nearly every exact neighbour, and each row is its own best match`, async () => {
    const vs = vectors(rows, 2);
    const index = matrix(vs, 'b');
    const exact = matrix(vs, 'b');
    // The first search scans every row and starts the partition build in the background.
    assert.equal(searchUnitMatrix(index, vs[1]!, 1)[0]!.id, 'b000001');
    assert.equal(index.partition, undefined);
    await index.partitioned;
    assert.ok(index.partition, 'built in the background');
    let found = 0;
    let asked = 0;
    for (let q = 0; q < 50; q++) {
      const query = vs[q * 97]!;
      const approx = searchUnitMatrix(index, query, 10);
      assert.equal(approx[0]!.id, `b${String(q * 97).padStart(6, '0')}`);
      // The exact answer, from the same rows scanned without a partition.
      const all = [...exact.ids.keys()].map((i) => ({ i, s: exact.rows.dot(i, unit(query)) }));
      const truth = new Set(
        all
          .sort((a, b) => b.s - a.s)
          .slice(0, 10)
          .map((x) => exact.ids[x.i]),
      );
      found += approx.filter((h) => truth.has(h.id)).length;
      asked += 10;
    }
    assert.ok(found / asked >= 0.9, `recall ${found / asked}`);
  });
}

test('appended rows are searchable at once, in place, and land in the partition', async () => {
  const vs = vectors(PARTITION_MIN_ROWS, 3);
  const index = matrix(vs, 'c');
  searchUnitMatrix(index, vs[0]!, 1);
  await index.partitioned;
  const extra = vectors(10, 4);
  appendRows(
    index,
    extra.map((vector, i) => ({ id: `new${i}`, vector })),
  );
  assert.equal(index.ids.length, PARTITION_MIN_ROWS + 10);
  for (const [i, v] of extra.entries()) assert.equal(searchUnitMatrix(index, v, 1)[0]!.id, `new${i}`);
  assert.equal(
    index.partition!.lists.reduce((n, l) => n + l.length, 0),
    PARTITION_MIN_ROWS + 10,
    'every row filed, appended ones included',
  );
});

test('removed rows are never found again, left as gaps until a quarter of the rows are gone, then compacted', async () => {
  const vs = vectors(PARTITION_MIN_ROWS, 5);
  const index = matrix(vs, 'd');
  const id = (i: number) => `d${String(i).padStart(6, '0')}`;
  assert.equal(searchUnitMatrix(index, vs[7]!, 1)[0]!.id, id(7));
  // A replaced memory: its old row goes, its new vector is appended under the same id.
  const moved = vectors(1, 6)[0]!;
  assert.equal(removeRows(index, [id(7), id(8)]), index, 'kept in place');
  appendRows(index, [{ id: id(8), vector: moved }]);
  assert.ok(!searchUnitMatrix(index, vs[7]!, 50).some((h) => h.id === id(7)));
  assert.equal(searchUnitMatrix(index, moved, 1)[0]!.id, id(8));
  assert.equal(rowOfId(index, id(7)), undefined);
  assert.ok(Math.abs(cosineAt(index, unit(moved), rowOfId(index, id(8))!) - 1) < 2e-4);
  // Nothing but removed rows: an exact search of a small index returns fewer hits, none removed.
  const small = matrix(vectors(5, 7), 's');
  assert.equal(removeRows(small, ['s000000']), small);
  assert.deepEqual(
    searchUnitMatrix(small, vectors(1, 8)[0]!, 5)
      .map((h) => h.id)
      .sort(),
    ['s000001', 's000002', 's000003', 's000004'],
  );
  const many = Array.from({ length: PARTITION_MIN_ROWS / 4 + 1 }, (_, i) => id(100 + i));
  const compacted = removeRows(index, many);
  assert.notEqual(compacted, index, 'compacted once over a quarter of its rows are gaps');
  assert.equal(compacted.ids.length, PARTITION_MIN_ROWS - many.length - 1);
  assert.ok(!compacted.ids.includes(id(100)) && !compacted.ids.includes(id(7)));
  assert.equal(searchUnitMatrix(compacted, moved, 1)[0]!.id, id(8));
  assert.equal(searchUnitMatrix(compacted, vs[3000]!, 1)[0]!.id, id(3000));
  await index.partitioned;
  await compacted.partitioned;
});

test('rows appended while a partition is built are filed once it is done', async () => {
  const vs = vectors(PARTITION_MIN_ROWS, 9);
  const index = matrix(vs, 'e');
  searchUnitMatrix(index, vs[0]!, 1);
  const extra = vectors(3000, 10);
  assert.ok(index.partitioned, 'the first search started a build');
  appendRows(
    index,
    extra.map((vector, i) => ({ id: `late${i}`, vector })),
  );
  await index.partitioned;
  assert.equal(
    index.partition!.lists.reduce((n, l) => n + l.length, 0),
    PARTITION_MIN_ROWS + 3000,
  );
  for (const i of [0, 1499, 2999]) assert.equal(searchUnitMatrix(index, extra[i]!, 1)[0]!.id, `late${i}`);
});

test('rows found by memory row agree with rows found by id through removals, replacements and appends', () => {
  const vs = vectors(40, 11);
  const index = matrix(vs.slice(0, 30), 'm');
  const id = (i: number) => `m${String(i).padStart(6, '0')}`;
  // Memory rows number the memories in another order than the vector rows, and some memories have no vector here.
  const memoryRows = new Map(Array.from({ length: 40 }, (_, i) => [id(i), 39 - i]));
  const memoryRowOf = (x: string) => memoryRows.get(x);
  const agree = (what: string) => {
    for (let i = 0; i < 40; i++) {
      const memoryRow = memoryRowOf(id(i))!;
      const row = rowOfMemory(index, memoryRow, memoryRowOf);
      assert.equal(row, rowOfId(index, id(i)), `${what}: ${id(i)}`);
      if (row !== undefined)
        assert.equal(memoryRowsOf(index, memoryRowOf)[row], memoryRow, `${what}: the row names its memory`);
    }
  };
  agree('built');
  assert.equal(removeRows(index, [id(3), id(4)]), index);
  agree('after removals');
  appendRows(index, [
    { id: id(4), vector: vs[34]!, memoryRow: memoryRowOf(id(4)) },
    { id: id(35), vector: vs[35]!, memoryRow: memoryRowOf(id(35)) },
  ]);
  agree('after a replacement and an append');
  assert.ok(index.byMemory, 'kept up to date, not built again');
  // A memory numbered past the table (a new row of the user model) grows it.
  memoryRows.set(id(36), 100);
  appendRows(index, [{ id: id(36), vector: vs[36]!, memoryRow: 100 }]);
  agree('after an append past the table');
  // An append that does not say the memory's row drops the table: it is built again, exact.
  appendRows(index, [{ id: id(37), vector: vs[37]! }]);
  assert.equal(index.byMemory, undefined);
  assert.equal(index.memoryRows, undefined);
  agree('rebuilt');
  const q = unit(vs[35]!);
  assert.deepEqual(
    nearestRows(index, q, 1, undefined, memoryRowsOf(index, memoryRowOf)).map((h) => [h.id, h.row]),
    [[id(35), memoryRowOf(id(35))]],
    'hits carry their memory rows',
  );
});
