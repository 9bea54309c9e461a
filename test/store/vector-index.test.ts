import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../bench/corpus.js';
import { PARTITION_MIN_ROWS, searchUnitMatrix, similaritiesOf, toUnitMatrix, VectorIndexCache } from '../../src/store/vector-index.js';

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
  assert.deepEqual(hits.slice(0, 2).map((h) => h.id), ['a000000', 'a000500']);
  assert.ok(Math.abs(hits[0]!.similarity - 1) < 1e-6);
  assert.equal(index.partition, undefined);
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
      const all = [...exact.ids.keys()].map((i) => ({ i, s: query.reduce((acc, x, j) => acc + x * exact.rows.data[i * DIM + j]!, 0) }));
      const truth = new Set(all.sort((a, b) => b.s - a.s).slice(0, 10).map((x) => exact.ids[x.i]));
      found += approx.filter((h) => truth.has(h.id)).length;
      asked += 10;
    }
    assert.ok(found / asked >= 0.9, `recall ${found / asked}`);
  });
}

test('appended rows are searchable at once, in place, and land in the partition', async () => {
  const cache = new VectorIndexCache(2 ** 30);
  const vs = vectors(PARTITION_MIN_ROWS, 3);
  const index = matrix(vs, 'c');
  cache.set('u', 1, 'semantic', index);
  searchUnitMatrix(index, vs[0]!, 1);
  await index.partitioned;
  const extra = vectors(10, 4);
  cache.apply('u', 1, 2, { added: extra.map((vector, i) => ({ id: `new${i}`, sector: 'semantic', vector })) });
  const same = cache.get('u', 2, 'semantic', DIM);
  assert.equal(same, index, 'the cached index grew in place');
  assert.equal(same!.ids.length, PARTITION_MIN_ROWS + 10);
  for (const [i, v] of extra.entries()) assert.equal(searchUnitMatrix(same!, v, 1)[0]!.id, `new${i}`);
  assert.equal(index.partition!.lists.reduce((n, l) => n + l.length, 0), PARTITION_MIN_ROWS + 10, 'every row filed, appended ones included');
  assert.equal(cache.get('u', 1, 'semantic', DIM), undefined, 'the old epoch is gone');
});

test('removed rows are never found again, in place, until a quarter of the rows are gone', async () => {
  const cache = new VectorIndexCache(2 ** 30);
  const vs = vectors(PARTITION_MIN_ROWS, 5);
  const index = matrix(vs, 'd');
  cache.set('u', 1, 'semantic', index);
  const id = (i: number) => `d${String(i).padStart(6, '0')}`;
  assert.equal(searchUnitMatrix(index, vs[7]!, 1)[0]!.id, id(7));
  // A replaced memory: its old row goes, its new vector is appended under the same id.
  const moved = vectors(1, 6)[0]!;
  cache.apply('u', 1, 3, { removed: [id(7), id(8)], added: [{ id: id(8), sector: 'semantic', vector: moved }] });
  const same = cache.get('u', 3, 'semantic', DIM);
  assert.equal(same, index, 'kept in place');
  assert.ok(!searchUnitMatrix(index, vs[7]!, 50).some((h) => h.id === id(7)));
  assert.equal(searchUnitMatrix(index, moved, 1)[0]!.id, id(8));
  assert.equal(similaritiesOf(index, vs[7]!, [id(7)]).size, 0);
  assert.ok(Math.abs(similaritiesOf(index, moved, [id(8)]).get(id(8))! - 1) < 1e-6);
  // Nothing but removed rows: an exact search of a small index returns fewer hits, none removed.
  const small = matrix(vectors(3, 7), 's');
  cache.set('v', 1, 'semantic', small);
  cache.apply('v', 1, 2, { removed: ['s000000', 's000001'] });
  assert.deepEqual(searchUnitMatrix(small, vectors(1, 8)[0]!, 3).map((h) => h.id), ['s000002']);
  const many = Array.from({ length: PARTITION_MIN_ROWS / 4 + 1 }, (_, i) => id(100 + i));
  cache.apply('u', 3, 4, { removed: many });
  assert.equal(cache.get('u', 4, 'semantic', DIM), undefined, 'dropped once over a quarter of its rows are gaps');
  await index.partitioned;
});

test('rows appended while a partition is built are filed once it is done', async () => {
  const vs = vectors(PARTITION_MIN_ROWS, 9);
  const cache = new VectorIndexCache(2 ** 30);
  const index = matrix(vs, 'e');
  cache.set('u', 1, 'semantic', index);
  searchUnitMatrix(index, vs[0]!, 1);
  const extra = vectors(3000, 10);
  assert.ok(index.partitioned, 'the first search started a build');
  cache.apply('u', 1, 2, { added: extra.map((vector, i) => ({ id: `late${i}`, sector: 'semantic', vector })) });
  await index.partitioned;
  assert.equal(index.partition!.lists.reduce((n, l) => n + l.length, 0), PARTITION_MIN_ROWS + 3000);
  for (const i of [0, 1499, 2999]) assert.equal(searchUnitMatrix(index, extra[i]!, 1)[0]!.id, `late${i}`);
});
