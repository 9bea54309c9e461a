import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { OmError } from '../../src/errors.js';
import { termTokens } from '../../src/core/tokens.js';
import { userScope } from '../../src/store/scope.js';
import { contract } from './backends.js';
import { item, T0, vec } from './data.js';

const alice = userScope('alice');

contract('memories', (current) => {
  it('round-trips every column', async () => {
    const { store } = current();
    const m = item({
      content: 'Ünïcode\ttab\nline',
      tags: ['a', 'b'],
      meta: { n: 1, nested: { x: [1] } },
      meanDim: 3,
      meanVec: Float32Array.from([0.5, -1, 2]),
      salience: 0.75,
      feedbackScore: 0.25,
      segment: 2,
    });
    await store.insertMemories(alice, [m]);
    const got = await store.getMemory(alice, m.memory.id);
    assert.deepEqual(got, { ...m.memory, userId: 'alice' });
    const untagged = item({ tags: null });
    await store.insertMemories(alice, [untagged]);
    assert.equal((await store.getMemory(alice, untagged.memory.id))?.tags, null);
  });

  it('reads every column a query uses the same from the user model as from the table', async () => {
    const { store } = current();
    const items = [
      item({
        content: 'Ünïcode\ttab\nline',
        tags: ['a', 'b'],
        meta: { n: 1, nested: { x: [1] } },
        salience: 0.75,
        feedbackScore: 0.25,
      }),
      item({ tags: [] }),
      item({ tags: null, meta: {} }),
      item({ tags: [''] }),
      item({ tags: ['a', 'b'], primarySector: 'episodic', simhash: null, lastSeenAt: T0 + 5 }),
    ];
    await store.insertMemories(alice, items);
    const view = await store.view(alice);
    for (const { memory: m } of items) {
      const held = view.memory(m.id)!;
      const { terms, metaJson, ...columns } = held;
      assert.deepEqual(
        { ...columns, meta: JSON.parse(metaJson) },
        {
          id: m.id,
          content: m.content,
          primarySector: m.primarySector,
          simhash: m.simhash,
          tags: m.tags,
          meta: m.meta,
          createdAt: m.createdAt,
          lastSeenAt: m.lastSeenAt,
          salience: m.salience,
          feedbackScore: m.feedbackScore,
        },
      );
      assert.deepEqual(
        Array.from(terms, (t) => view.terms.term(t)),
        termTokens(m.content),
      );
    }
  });

  it('treats missing and malformed ids as missing', async () => {
    const { store } = current();
    assert.equal(await store.getMemory(alice, randomUUID()), null);
    assert.equal(await store.getMemory(alice, 'not-a-uuid'), null);
    const stored = item();
    await store.insertMemories(alice, [stored]);
    assert.equal(
      await store.getMemory(alice, stored.memory.id.toUpperCase()),
      null,
      'ids are case-sensitive on every backend',
    );
    assert.deepEqual(await store.getMemories(alice, ['x', randomUUID()]), []);
    assert.equal(await store.updateMemory(alice, 'nope', { updatedAt: 1 }), false);
    assert.equal(await store.deleteMemory(alice, "'; DROP TABLE memories; --"), false);
    assert.equal(await store.updateSalience(alice, [{ id: 'x', salience: 1 }]), 0);
  });

  it('lists with order, paging, sector and time filters, and counts', async () => {
    const { store } = current();
    const items = [0, 1, 2, 3, 4].map((i) =>
      item({
        createdAt: T0 + i,
        updatedAt: T0 + 10 - i,
        salience: i / 10,
        primarySector: i % 2 ? 'episodic' : 'semantic',
      }),
    );
    await store.insertMemories(alice, items);
    const ids = (ms: { id: string }[]) => ms.map((m) => m.id);
    const byCreated = [...items].reverse().map((i) => i.memory.id);
    assert.deepEqual(ids(await store.listMemories(alice, { limit: 10, offset: 0 })), byCreated);
    assert.deepEqual(ids(await store.listMemories(alice, { limit: 2, offset: 1 })), byCreated.slice(1, 3));
    assert.deepEqual(
      ids(await store.listMemories(alice, { limit: 10, offset: 0, order: 'updated_desc' })),
      items.map((i) => i.memory.id),
    );
    assert.deepEqual(ids(await store.listMemories(alice, { limit: 1, offset: 0, order: 'salience_desc' })), [
      items[4]!.memory.id,
    ]);
    const episodic = await store.listMemories(alice, { limit: 10, offset: 0, sectors: ['episodic'] });
    assert.deepEqual(
      episodic.map((m) => m.primarySector),
      ['episodic', 'episodic'],
    );
    assert.equal((await store.listMemories(alice, { limit: 10, offset: 0, sectors: [] })).length, 0);
    const window = await store.listMemories(alice, { limit: 10, offset: 0, createdFrom: T0 + 1, createdTo: T0 + 3 });
    assert.deepEqual(ids(window), [items[2]!.memory.id, items[1]!.memory.id]);
    assert.equal(await store.countMemories(alice), 5);
  });

  it('finds by simhashes in one call, highest salience first', async () => {
    const { store } = current();
    const low = item({ simhash: 'aaaa', salience: 0.1 });
    const high = item({ simhash: 'aaaa', salience: 0.9 });
    const other = item({ simhash: 'bbbb', salience: 0.5 });
    await store.insertMemories(alice, [low, high, other, item({ simhash: 'cccc' })]);
    assert.deepEqual(
      (await store.findBySimhash(alice, ['aaaa'])).map((m) => m.id),
      [high.memory.id, low.memory.id],
    );
    assert.deepEqual(
      (await store.findBySimhash(alice, ['bbbb', 'aaaa', 'bbbb', 'dddd'])).map((m) => m.id),
      [high.memory.id, other.memory.id, low.memory.id],
    );
    assert.deepEqual(await store.findBySimhash(alice, []), []);
  });

  it('patches fields, bumps the version and replaces vectors', async () => {
    const { store } = current();
    const m = item({}, [vec('semantic', [1, 0, 0, 0]), vec('episodic', [0, 1, 0, 0])]);
    await store.insertMemories(alice, [m]);
    const ok = await store.updateMemory(alice, m.memory.id, {
      content: 'new text',
      tags: null,
      meta: { k: 'v' },
      primarySector: 'procedural',
      salience: 0.9,
      simhash: 'ffff',
      decayLambda: 0.02,
      meanDim: 2,
      meanVec: Float32Array.from([1, 2]),
      vectors: [vec('procedural', [0, 0, 1, 0])],
      updatedAt: T0 + 5,
      bumpVersion: true,
    });
    assert.equal(ok, true);
    const got = await store.getMemory(alice, m.memory.id);
    assert.equal(got?.content, 'new text');
    assert.equal(got?.tags, null);
    assert.deepEqual(got?.meta, { k: 'v' });
    assert.equal(got?.version, 2);
    assert.equal(got?.updatedAt, T0 + 5);
    assert.deepEqual(got?.meanVec, Float32Array.from([1, 2]));
    const [lean] = await store.getMemories(alice, [m.memory.id], { meanVec: false });
    assert.deepEqual(lean, { ...got, meanVec: null });
    assert.equal(got?.createdAt, T0);
    const vectors = (await store.getVectors(alice, [m.memory.id])).get(m.memory.id);
    assert.deepEqual(
      vectors?.map((v) => v.sector),
      ['procedural'],
    );
  });

  it('updates salience in a batch and reports rows changed', async () => {
    const { store } = current();
    const a = item();
    const b = item();
    await store.insertMemories(alice, [a, b]);
    const n = await store.updateSalience(alice, [
      { id: a.memory.id, salience: 0.9, lastSeenAt: T0 + 9, feedbackScore: 0.3 },
      { id: b.memory.id, salience: 0.1 },
      { id: randomUUID(), salience: 1 },
    ]);
    assert.equal(n, 2);
    const [ga, gb] = [await store.getMemory(alice, a.memory.id), await store.getMemory(alice, b.memory.id)];
    assert.deepEqual([ga?.salience, ga?.lastSeenAt, ga?.feedbackScore], [0.9, T0 + 9, 0.3]);
    assert.deepEqual([gb?.salience, gb?.lastSeenAt, gb?.feedbackScore], [0.1, T0, 0]);
  });

  it('updates salience in batches larger than one statement, last update of an id winning', async () => {
    const { store } = current();
    const items = Array.from({ length: 1100 }, () => item());
    await store.insertMemories(alice, items);
    const updates = items.map((it, i) => ({ id: it.memory.id, salience: i / 1100 }));
    updates.push({ id: items[0]!.memory.id, salience: 0.99 });
    assert.equal(await store.updateSalience(alice, updates), 1100);
    assert.equal((await store.getMemory(alice, items[0]!.memory.id))?.salience, 0.99);
    assert.equal((await store.getMemory(alice, items[1099]!.memory.id))?.salience, 1099 / 1100);
  });

  it('deletes a memory with its vectors and every link from or to it', async () => {
    const { store } = current();
    const a = item({}, [vec('semantic', [1, 0, 0, 0])]);
    const b = item({}, [], [{ dstId: a.memory.id, weight: 0.5 }]);
    await store.insertMemories(alice, [a, b]);
    await store.upsertWaypoints(alice, [{ srcId: a.memory.id, dstId: b.memory.id, weight: 0.4 }]);
    assert.equal(await store.deleteMemory(alice, a.memory.id), true);
    assert.equal(await store.getMemory(alice, a.memory.id), null);
    assert.equal((await store.getVectors(alice, [a.memory.id])).size, 0);
    assert.deepEqual(await store.outgoingWaypoints(alice, [a.memory.id, b.memory.id]), []);
    assert.equal(await store.deleteMemory(alice, a.memory.id), false);
  });

  it('accepts only lower-case UUIDs as new ids', async () => {
    const { store } = current();
    for (const id of ['not-a-uuid', randomUUID().toUpperCase(), '']) {
      await assert.rejects(
        store.insertMemories(alice, [item({ id })]),
        (e: unknown) => e instanceof OmError && e.code === 'validation_error',
        id,
      );
    }
    assert.equal(await store.countMemories(alice), 0);
  });

  it('rejects a batch with a repeated id and writes none of it', async () => {
    const { store } = current();
    const a = item();
    await assert.rejects(
      store.insertMemories(alice, [a, item(), { ...item(), memory: { ...a.memory } }]),
      (e: unknown) => e instanceof OmError && e.code === 'conflict',
    );
    assert.equal(await store.countMemories(alice), 0);
  });

  it('rejects an id that already exists and leaves the stored row alone', async () => {
    const { store } = current();
    const a = item({ content: 'original' });
    await store.insertMemories(alice, [a]);
    const fresh = item();
    await assert.rejects(
      store.insertMemories(alice, [fresh, item({ id: a.memory.id, content: 'overwrite' })]),
      (e: unknown) => e instanceof OmError && e.code === 'conflict',
    );
    assert.equal((await store.getMemory(alice, a.memory.id))?.content, 'original');
    assert.equal(await store.getMemory(alice, fresh.memory.id), null);
  });

  it('rejects an invalid vector midway through a batch and writes none of it', async () => {
    const { store } = current();
    const good = item({}, [vec('semantic', [1, 0, 0, 0])]);
    const bad = item({}, [vec('semantic', [1, Number.NaN, 0, 0])]);
    await assert.rejects(
      store.insertMemories(alice, [good, bad]),
      (e: unknown) => e instanceof OmError && e.code === 'validation_error',
    );
    assert.equal(await store.countMemories(alice), 0);
    assert.equal((await store.getVectors(alice, [good.memory.id])).size, 0);
    const empty = item({}, [vec('semantic', [])]);
    await assert.rejects(
      store.insertMemories(alice, [empty]),
      (e: unknown) => e instanceof OmError && e.code === 'validation_error',
    );
  });

  it('rejects a failed update atomically (content kept when the new vectors are invalid)', async () => {
    const { store } = current();
    const a = item({ content: 'before' }, [vec('semantic', [1, 0, 0, 0])]);
    await store.insertMemories(alice, [a]);
    await assert.rejects(
      store.updateMemory(alice, a.memory.id, {
        content: 'after',
        vectors: [vec('semantic', [Number.POSITIVE_INFINITY])],
        updatedAt: 2,
      }),
    );
    assert.equal((await store.getMemory(alice, a.memory.id))?.content, 'before');
    assert.equal((await store.getVectors(alice, [a.memory.id])).get(a.memory.id)?.length, 1);
  });
});
