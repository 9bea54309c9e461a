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
    const probe = (await store.view(alice)).probe(
      new Map([
        ['semantic', Float32Array.from([1, 0, 0, 0])],
        ['reflective', Float32Array.from([1, 0, 0, 0])],
      ]),
    );
    const hits = probe.nearest('semantic', 2);
    assert.deepEqual(
      hits.map((h) => h.id),
      [same.memory.id, near.memory.id],
    );
    assert.ok(Math.abs(hits[0]!.similarity - 1) < 2e-4);
    assert.ok(Math.abs(hits[1]!.similarity - Math.SQRT1_2) < 2e-4);
    assert.equal(probe.nearest('semantic', 10).length, 3);
    assert.deepEqual(probe.nearest('reflective', 5), []);
    assert.deepEqual(probe.nearest('episodic', 5), [], 'a sector without a query vector');
  });

  it('gives the cosine of each sector query with a memory; a view taken after an insert, delete or update sees it', async () => {
    const { store } = current();
    const a = item({}, [vec('semantic', [2, 0, 0, 0]), vec('episodic', [0, 1, 0, 0])]);
    const otherDim = item({}, [vec('semantic', [1, 0])]);
    await store.insertMemories(alice, [a, otherDim]);
    const queries = new Map([
      ['semantic', Float32Array.from([1, 1, 0, 0])],
      ['episodic', Float32Array.from([0, 3, 0, 0])],
    ] as const);
    const before = (await store.view(alice)).probe(queries);
    assert.equal(before.similarities(otherDim.memory.id).size, 0, 'no entry for another dimension');
    assert.equal(before.similarities('missing').size, 0, 'nor for an unknown id');
    const sims = before.similarities(a.memory.id);
    assert.ok(Math.abs(sims.get('semantic')! - Math.SQRT1_2) < 2e-4);
    assert.ok(Math.abs(sims.get('episodic')! - 1) < 2e-4);
    const b = item({}, [vec('semantic', [0, 0, 1, 0])]);
    await store.insertMemories(alice, [b]);
    const after = (await store.view(alice)).probe(queries).similarities(b.memory.id);
    assert.ok(Math.abs(after.get('semantic')!) < 2e-4);
    assert.equal(after.has('episodic'), false);
    await store.deleteMemory(alice, a.memory.id);
    const afterDelete = (await store.view(alice)).probe(
      new Map([...queries, ['semantic', Float32Array.from([1, 0, 0, 0])]]),
    );
    assert.equal(afterDelete.similarities(a.memory.id).size, 0, 'a deleted memory has none');
    assert.deepEqual(
      afterDelete.nearest('semantic', 5).map((h) => h.id),
      [b.memory.id],
    );
    await store.updateMemory(alice, b.memory.id, { vectors: [vec('semantic', [1, 0, 0, 0])], updatedAt: T0 + 1 });
    const afterUpdate = (await store.view(alice))
      .probe(new Map([['semantic', Float32Array.from([1, 0, 0, 0])]]))
      .nearest('semantic', 5);
    assert.deepEqual(
      afterUpdate.map((h) => h.id),
      [b.memory.id],
    );
    assert.ok(Math.abs(afterUpdate[0]!.similarity - 1) < 2e-4, 'the replaced vector is the one searched');
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
      new Map([
        [a.memory.id, [1, 2, 3, 4]],
        [b.memory.id, [5, 6, 7, 8]],
      ]),
    );
    const empty = await store.loadSectorMatrix(alice, 'reflective');
    assert.deepEqual([empty.ids, empty.dim, empty.data.length], [[], 0, 0]);
  });
});
