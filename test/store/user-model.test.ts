import assert from 'node:assert/strict';
import { test } from 'node:test';
import { termTokens } from '../../src/core/tokens.js';
import { UserModel } from '../../src/store/cache/user-model.js';
import type { ModelData } from '../../src/store/ops/model-data.js';
import type { RecallRow } from '../../src/store/store.js';

const id = (i: number) => `m${String(i).padStart(3, '0')}`;
const row = (i: number): RecallRow => ({
  id: id(i),
  content: `memory number ${i} about topic${i % 5}`,
  primarySector: 'semantic',
  simhash: null,
  tags: null,
  metaJson: '{}',
  createdAt: i,
  lastSeenAt: i,
  salience: 0.5,
  feedbackScore: 0,
});
const vector = (i: number) => Float32Array.from([1, i / 10, (i % 3) / 3, 0]);

/** Every way a query reads the model, by id and by the rows its hits give, as ids. */
function readings(model: UserModel, ids: readonly string[]) {
  const probe = model.probe(new Map([['semantic', Float32Array.from([1, 0.5, 0.3, 0])]]));
  const hits = probe.nearest('semantic', 100);
  for (const h of hits) {
    assert.equal(model.idAt(h.row), h.id, 'a vector hit names its memory by row');
    assert.deepEqual(probe.similaritiesAt(h.row), probe.similarities(h.id));
    const { dstRows, weights, start, count } = model.outgoingAt(h.row);
    assert.deepEqual(
      Array.from({ length: count }, (_, i) => ({ dstId: model.idAt(dstRows[start + i]!), weight: weights[start + i] })),
      model.outgoing(h.id),
    );
    assert.equal(model.memoryAt(h.row)?.content, model.memory(h.id)?.content);
  }
  for (const h of model.searchText(termTokens('topic1'), 100))
    assert.equal(model.idAt(h.row), h.id, 'a text hit names its memory by row');
  return { size: model.size, hits: hits.map((h) => h.id).sort(), links: ids.map((x) => model.outgoing(x)) };
}

test('a model read by rows agrees with one read by ids, after removals renumber its rows', () => {
  const all = Array.from({ length: 40 }, (_, i) => i);
  const data: ModelData = {
    rows: all.map(row),
    vectors: all.map((i) => ({ id: id(i), sector: 'semantic', vector: vector(i), model: null })),
    // Each memory links to the next two; the last ones wrap around.
    links: all.flatMap((i) => [1, 2].map((d) => ({ srcId: id(i), dstId: id((i + d) % 40), weight: 0.5 + d / 10 }))),
  };
  const model = new UserModel(1, data);
  const ids = all.map(id);
  const before = readings(model, ids);
  assert.deepEqual(
    before.links[0],
    [
      { dstId: id(2), weight: 0.7 },
      { dstId: id(1), weight: 0.6 },
    ],
    'strongest first',
  );

  // Over a quarter of the rows emptied: the model renumbers them. The removed memories' links go
  // with the change, as the journal of a delete names the sources linking to them.
  const gone = new Set(all.filter((i) => i % 3 === 0).map(id));
  const sources = all
    .filter((i) => gone.has(id(i)) || gone.has(id((i + 1) % 40)) || gone.has(id((i + 2) % 40)))
    .map(id);
  const kept: ModelData = {
    rows: [],
    vectors: [],
    links: data.links.filter((l) => !gone.has(l.srcId) && !gone.has(l.dstId) && sources.includes(l.srcId)),
  };
  model.apply({ rows: [...gone], vectors: [...gone], links: sources }, kept, 2);
  const after = readings(model, ids);
  assert.equal(after.size, 40 - gone.size);
  const rows = model
    .probe(new Map([['semantic', vector(1)]]))
    .nearest('semantic', 100)
    .map((h) => h.row);
  assert.ok(Math.max(...rows) < after.size, 'rows were renumbered');
  assert.deepEqual(
    after.hits,
    ids.filter((x) => !gone.has(x)),
  );
  ids.forEach((x, i) => {
    const expected = gone.has(x) ? [] : before.links[i]!.filter((l) => !gone.has(l.dstId));
    assert.deepEqual(after.links[i], expected, `links of ${x}`);
  });
  assert.equal(model.weight(id(1), id(2)), 0.6);
  assert.equal(model.weight(id(2), id(3)), undefined, 'a link to a removed memory is gone');
});

test('a model built in slices, pausing between them, answers as one built at once', async () => {
  const all = Array.from({ length: 700 }, (_, i) => i);
  const data: ModelData = {
    rows: all.map(row),
    vectors: all.map((i) => ({ id: id(i), sector: 'semantic', vector: vector(i), model: null })),
    links: all.map((i) => ({ srcId: id(i), dstId: id((i + 1) % 700), weight: 0.5 })),
  };
  let pauses = 0;
  const sliced = await UserModel.build(3, data, async () => {
    pauses += 1;
  });
  assert.ok(pauses >= 5, `paused ${pauses} times`);
  assert.equal(sliced.epoch, 3);
  assert.equal(sliced.bytes, new UserModel(3, data).bytes);
  assert.deepEqual(readings(sliced, all.map(id)), readings(new UserModel(3, data), all.map(id)));
});
