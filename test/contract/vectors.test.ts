import assert from 'node:assert/strict';
import { it } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { contract } from './backends.js';
import { item, T0, vec } from './data.js';

const alice = userScope('alice');

contract('vectors', (current) => {
  it('returns each memory’s vectors with their model', async () => {
    const { store } = current();
    const a = item({}, [vec('semantic', [0.1, 0.2, 0.3, 0.4]), vec('emotional', [1, 1, 1, 1], null)]);
    await store.insertMemories(alice, [a, item()]);
    const got = (await store.getVectors(alice, [a.memory.id, 'missing'])).get(a.memory.id);
    assert.deepEqual(
      got?.map((v) => [v.sector, [...v.vector], v.model]),
      [
        ['emotional', [1, 1, 1, 1], null],
        ['semantic', [...Float32Array.from([0.1, 0.2, 0.3, 0.4])], 'test:model/4'],
      ],
    );
  });

  it('finds exact nearest neighbours by cosine within one sector', async () => {
    const { store } = current();
    const same = item({}, [vec('semantic', [2, 0, 0, 0])]);
    const near = item({}, [vec('semantic', [1, 1, 0, 0])]);
    const far = item({}, [vec('semantic', [-1, 0, 0, 0])]);
    const otherSector = item({}, [vec('episodic', [1, 0, 0, 0])]);
    const otherDim = item({}, [vec('semantic', [1, 0])]);
    await store.insertMemories(alice, [same, near, far, otherSector, otherDim]);
    const view = await store.vectorView(alice);
    const hits = await view.nearest('semantic', Float32Array.from([1, 0, 0, 0]), 2);
    assert.deepEqual(hits.map((h) => h.id), [same.memory.id, near.memory.id]);
    assert.ok(Math.abs(hits[0]!.similarity - 1) < 1e-6);
    assert.ok(Math.abs(hits[1]!.similarity - Math.SQRT1_2) < 1e-6);
    assert.equal((await view.nearest('semantic', Float32Array.from([1, 0, 0, 0]), 10)).length, 3);
    assert.deepEqual(await view.nearest('reflective', Float32Array.from([1, 0, 0, 0]), 5), []);
  });

  it('gives the cosine of each sector query with the named memories; a view taken after an insert or delete sees it', async () => {
    const { store } = current();
    const a = item({}, [vec('semantic', [2, 0, 0, 0]), vec('episodic', [0, 1, 0, 0])]);
    const otherDim = item({}, [vec('semantic', [1, 0])]);
    await store.insertMemories(alice, [a, otherDim]);
    const queries = new Map([
      ['semantic', Float32Array.from([1, 1, 0, 0])],
      ['episodic', Float32Array.from([0, 3, 0, 0])],
    ] as const);
    const before = await (await store.vectorView(alice)).similarities(queries, [a.memory.id, otherDim.memory.id, 'missing']);
    assert.deepEqual([...before.keys()], [a.memory.id], 'no entry for another dimension or an unknown id');
    const sims = before.get(a.memory.id)!;
    assert.ok(Math.abs(sims.get('semantic')! - Math.SQRT1_2) < 1e-6);
    assert.ok(Math.abs(sims.get('episodic')! - 1) < 1e-6);
    const b = item({}, [vec('semantic', [0, 0, 1, 0])]);
    await store.insertMemories(alice, [b]);
    const after = await (await store.vectorView(alice)).similarities(queries, [a.memory.id, b.memory.id]);
    assert.ok(Math.abs(after.get(b.memory.id)!.get('semantic')!) < 1e-6);
    assert.equal(after.get(b.memory.id)!.has('episodic'), false);
    await store.deleteMemory(alice, a.memory.id);
    const afterDelete = await store.vectorView(alice);
    assert.equal((await afterDelete.similarities(queries, [a.memory.id])).size, 0, 'a deleted memory has none');
    assert.deepEqual((await afterDelete.nearest('semantic', Float32Array.from([1, 0, 0, 0]), 5)).map((h) => h.id), [b.memory.id]);
    await store.updateMemory(alice, b.memory.id, { vectors: [vec('semantic', [1, 0, 0, 0])], updatedAt: T0 + 1 });
    const afterUpdate = await (await store.vectorView(alice)).nearest('semantic', Float32Array.from([1, 0, 0, 0]), 5);
    assert.deepEqual(afterUpdate.map((h) => h.id), [b.memory.id]);
    assert.ok(Math.abs(afterUpdate[0]!.similarity - 1) < 1e-6, 'the replaced vector is the one searched');
  });

  it('loads a sector as a dense matrix of its most common dimension', async () => {
    const { store } = current();
    const a = item({}, [vec('semantic', [1, 2, 3, 4])]);
    const b = item({}, [vec('semantic', [5, 6, 7, 8])]);
    const odd = item({}, [vec('semantic', [9, 9])]);
    await store.insertMemories(alice, [a, b, odd]);
    const m = await store.loadSectorMatrix(alice, 'semantic');
    assert.equal(m.dim, 4);
    assert.equal(m.ids.length, 2);
    const rows = m.ids.map((id, i) => [id, [...m.data.subarray(i * 4, i * 4 + 4)]]);
    assert.deepEqual(
      new Map(rows as Array<[string, number[]]>),
      new Map([[a.memory.id, [1, 2, 3, 4]], [b.memory.id, [5, 6, 7, 8]]]),
    );
    const empty = await store.loadSectorMatrix(alice, 'reflective');
    assert.deepEqual([empty.ids, empty.dim, empty.data.length], [[], 0, 0]);
  });
});
