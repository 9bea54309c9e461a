/**
 * Processes sharing one database keep their in-process user models coherent through the user
 * journal: after any write by one store, another store's next view equals the view of a store
 * that loads the user afresh. Covers every write method that touches a user's memories,
 * vectors or links, a model that fell behind the trimmed journal, and one that must catch up on
 * most of its memories.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { termTokens } from '../../src/core/tokens.js';
import { SECTORS } from '../../src/core/types.js';
import { JOURNAL_WINDOW } from '../../src/store/ops/journal.js';
import { openStore } from '../../src/store/open.js';
import { userScope, type UserScope } from '../../src/store/scope.js';
import type { RecallWrite, Store, UserView } from '../../src/store/store.js';
import { BACKENDS, type BlankDatabase } from './backends.js';
import { item, T0, vec } from './data.js';

const alice = userScope('alice');
const PROBES = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0.5, 0.5, 0.5, 0],
].map((p) => Float32Array.from(p));
const WORDS = ['apples', 'bananas', 'cherries', 'dates', 'shared'];

/** Everything a query can read of the user's view, for the given ids. */
function snapshot(view: UserView, ids: readonly string[]) {
  // Rows are each model's own numbers: a hit is compared by id, once its row has read the same memory and links.
  const byRow = <H extends { id: string; row: number }>({ row, ...hit }: H) => {
    assert.equal(view.idAt(row), hit.id);
    assert.equal(view.memoryAt(row)?.id, hit.id);
    const { dstRows, weights, start, count } = view.outgoingAt(row);
    assert.deepEqual(
      Array.from({ length: count }, (_, i) => ({ dstId: view.idAt(dstRows[start + i]!), weight: weights[start + i] })),
      view.outgoing(hit.id),
    );
    return hit;
  };
  return {
    size: view.size,
    memories: ids.map((id) => {
      const m = view.memory(id);
      // Term ids are the model's own (numbered as it met them): compared as the terms they stand for.
      return m ? { ...m, terms: Array.from(m.terms, (t) => view.terms.term(t)) } : null;
    }),
    links: ids.map((id) => view.outgoing(id)),
    nearest: PROBES.flatMap((p) => {
      const probe = view.probe(new Map(SECTORS.map((s) => [s, p])));
      return SECTORS.map((s) => probe.nearest(s, 10).map(byRow));
    }),
    similarities: ids.map((id) => [...view.probe(new Map(SECTORS.map((s) => [s, PROBES[2]!]))).similarities(id)]),
    text: WORDS.map((w) => view.searchText(termTokens(w), 10).map(byRow)),
  };
}

for (const backend of BACKENDS) {
  describe(`user models across stores sharing a database [${backend.name}]`, () => {
    let blank: BlankDatabase;
    let a: Store;
    let b: Store;
    const open = () => openStore(loadConfig(blank.env), { migrate: false, log: () => {} });
    const ids: string[] = [];

    /** `b` (which holds a model of the user) sees what a store loading the user afresh sees. */
    async function coherent(scope: UserScope, what: string): Promise<void> {
      const fresh = await open();
      try {
        assert.deepEqual(snapshot(await b.view(scope), ids), snapshot(await fresh.view(scope), ids), what);
      } finally {
        await fresh.close();
      }
    }

    before(async () => {
      blank = await backend.blank();
      a = await openStore(loadConfig(blank.env), { migrate: true, log: () => {} });
      b = await open();
    });
    after(async () => {
      await b?.close();
      await a?.close();
      await blank?.cleanup();
    });

    it('sees every kind of write of another store at its next view', async () => {
      await b.view(alice);
      await a.view(alice);
      const [m1, m2, m3] = [
        item(
          {
            content: 'alpha apples shared',
            tags: ['t1', 't2'],
            meta: { k: 'v', n: [1, 2] },
            salience: 0.6000000000000001,
          },
          [vec('semantic', [1, 0, 0, 0]), vec('episodic', [0, 1, 0, 0])],
        ),
        item({ content: 'beta bananas' }, [vec('semantic', [0, 1, 0, 0])]),
        item({ content: 'gamma cherries shared' }, [vec('semantic', [0.5, 0.5, 0, 0])]),
      ];
      m2.waypoints.push({ dstId: m1.memory.id, weight: 0.6 });
      m3.waypoints.push({ dstId: m2.memory.id, weight: 0.7 }, { dstId: m1.memory.id, weight: 0.3 });
      // A link to a memory that is not the user's is not written, so the writer's model must not hold it either.
      const foreign = item({ content: 'not alice' }, [vec('semantic', [1, 0, 0, 0])]);
      await a.insertMemories(userScope('mallory'), [foreign]);
      m1.waypoints.push({ dstId: foreign.memory.id, weight: 0.9 });
      ids.push(m1.memory.id, m2.memory.id, m3.memory.id);
      await a.insertMemories(alice, [m1, m2, m3]);
      await coherent(alice, 'insert');
      assert.deepEqual(
        snapshot(await a.view(alice), ids),
        snapshot(await b.view(alice), ids),
        'the writer applied its insert to its own model as written',
      );

      await a.updateMemory(alice, m1.memory.id, {
        content: 'alpha dates',
        tags: ['x'],
        meta: { k: 1 },
        updatedAt: T0 + 1,
      });
      await coherent(alice, 'update of content, tags and metadata');
      await a.updateMemory(alice, m2.memory.id, {
        vectors: [vec('semantic', [0, 0, 1, 0]), vec('reflective', [1, 1, 0, 0])],
        updatedAt: T0 + 2,
      });
      await coherent(alice, 'update of vectors');
      await a.updateSalience(alice, [{ id: m3.memory.id, salience: 0.9, lastSeenAt: T0 + 3, feedbackScore: 0.2 }]);
      await coherent(alice, 'salience');
      await a.upsertWaypoints(alice, [{ srcId: m1.memory.id, dstId: m3.memory.id, weight: 0.8 }]);
      await coherent(alice, 'links');
      const recall: RecallWrite = {
        salience: [{ id: m1.memory.id, salience: 0.7, lastSeenAt: T0 + 4 }],
        path: [],
        coactivated: [
          { srcId: m1.memory.id, dstId: m3.memory.id, gap: 0 },
          { srcId: m3.memory.id, dstId: m1.memory.id, gap: 0 },
        ],
      };
      await a.view(alice);
      await a.recordRecalls([{ scope: alice, recall }]);
      await coherent(alice, 'recall');
      assert.deepEqual(
        snapshot(await a.view(alice), ids),
        snapshot(await b.view(alice), ids),
        'the writer applied its recall to its own model as written',
      );
      // Another store writes: the first one's model is behind, so the weights it weighs are read again.
      await b.upsertWaypoints(alice, [{ srcId: m1.memory.id, dstId: m3.memory.id, weight: 0.2 }]);
      await a.recordRecalls([{ scope: alice, recall }]);
      assert.ok(
        Math.abs((await b.view(alice)).outgoing(m1.memory.id).find((l) => l.dstId === m3.memory.id)!.weight - 0.28) <
          1e-9,
        'weighed on the 0.2 written by the other store',
      );
      await coherent(alice, 'recall by a store whose model was behind');
      assert.equal(await a.pruneWaypoints(alice, 0.4), 1);
      await coherent(alice, 'prune');
      await a.replaceVectors(alice, [
        { id: m3.memory.id, expectedUpdatedAt: T0, vectors: [vec('emotional', [0, 0, 0, 1])], meanVec: null },
      ]);
      await coherent(alice, 'replaced vectors');
      await a.adminReplaceVectors([
        {
          scope: alice,
          items: [
            { id: m1.memory.id, expectedUpdatedAt: T0 + 1, vectors: [vec('procedural', [1, 0, 1, 0])], meanVec: null },
          ],
        },
      ]);
      await coherent(alice, 'replaced vectors (admin walk)');
      await a.deleteMemory(alice, m1.memory.id);
      await coherent(alice, 'delete, with the links pointing at the memory');
      await a.deleteUserData(alice);
      await coherent(alice, 'delete of the user');
    });

    it('loads the user afresh once the journal no longer reaches back to its model', async () => {
      const bob = userScope('bob');
      const [x, y] = [
        item({ content: 'bananas shared' }, [vec('semantic', [0, 1, 0, 0])]),
        item({ content: 'apples' }, [vec('semantic', [1, 0, 0, 0])]),
      ];
      ids.push(x.memory.id, y.memory.id);
      await a.insertMemories(bob, [x]);
      await b.view(bob);
      // What trimming leaves after JOURNAL_WINDOW more writes: the entry b needs next is gone.
      await a.insertMemories(bob, [y]);
      await blank.run(`DELETE FROM ${blank.table(blank.names.userJournal)}`);
      await a.updateSalience(bob, [{ id: x.memory.id, salience: 0.1 }]);
      await coherent(bob, 'gap');
      assert.ok(JOURNAL_WINDOW >= 64);
    });

    it('loads the user afresh when most of its memories changed', async () => {
      const carol = userScope('carol');
      const many = Array.from({ length: 40 }, (_, i) =>
        item({ content: `cherries ${i}` }, [vec('semantic', [1, i, 0, 0])]),
      );
      ids.push(...many.map((m) => m.memory.id));
      await a.insertMemories(carol, many.slice(0, 10));
      await b.view(carol);
      await a.insertMemories(carol, many.slice(10));
      await a.updateSalience(
        carol,
        many.map((m) => ({ id: m.memory.id, salience: 0.3 })),
      );
      await coherent(carol, 'most memories changed');
    });
  });
}
