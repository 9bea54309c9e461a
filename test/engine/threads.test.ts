import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import type { UserView } from '../../src/store/store.js';
import { THREAD_LINK_WEIGHT } from '../../src/core/thread.js';
import { BACKENDS, type OpenedEngine } from './backends.js';

const kim = userScope('kim');
const lou = userScope('lou');
const MAY_2023 = Date.UTC(2023, 4, 8, 13, 56);
const DAY = 86_400_000;

const CHAT = [
  'Lou: What did you pick up at the weekend market?',
  'Kim: A small clay teapot, glazed in deep blue.',
  'Lou: Nice! Did the vendor make it?',
  'Kim: Yes, she throws every piece on her own wheel.',
];

const linkWeight = (view: UserView, src: string, dst: string) =>
  view.outgoing(src).find((l) => l.dstId === dst)?.weight;

for (const backend of BACKENDS) {
  describe(`threads and event time (${backend.name})`, () => {
    let e: OpenedEngine;
    const ids: string[] = [];

    before(async () => {
      e = await backend.open();
      for (const [i, content] of CHAT.entries()) {
        ids.push(
          (await e.memory.add(kim, { content, createdAt: MAY_2023 + i * DAY, metadata: { thread_id: 'chat-1' } })).id,
        );
      }
      // Same thread name for another user: never linked to kim's memories.
      await e.memory.add(lou, {
        content: 'Lou: unrelated note about the weekend market',
        metadata: { thread_id: 'chat-1' },
      });
    });
    after(() => e.cleanup());

    test('memories of one thread are linked to their neighbours both ways, in the order added', async () => {
      const view = await e.memory.store.view(kim);
      const stored = await e.memory.store.outgoingWaypoints(kim, ids);
      // As held in process (what a query reads) and as stored.
      for (const out of [
        (i: number) => view.outgoing(ids[i]!).map((l) => l.dstId),
        (i: number) => stored.filter((l) => l.srcId === ids[i]).map((l) => l.dstId),
      ]) {
        assert.ok(
          out(0).includes(ids[1]!) && out(1).includes(ids[0]!) && out(1).includes(ids[2]!) && out(3).includes(ids[2]!),
        );
      }
      const louIds = new Set((await e.memory.list(lou, {})).map((m) => m.id));
      for (const id of ids) assert.ok(!view.outgoing(id).some((l) => louIds.has(l.dstId)));
    });

    test('the link to the next turn weighs THREAD_LINK_WEIGHT, the link back OM_THREAD_BACK_WEIGHT (default 0.6)', async () => {
      const view = await e.memory.store.view(kim);
      assert.equal(linkWeight(view, ids[1]!, ids[2]!), THREAD_LINK_WEIGHT);
      assert.equal(linkWeight(view, ids[2]!, ids[1]!), 0.6);
    });

    test('a question matching one turn brings the answer in the next turn within reach', async () => {
      const { matches } = await e.memory.query(kim, {
        query: 'what did Kim buy at the weekend market?',
        k: 3,
        reinforce: false,
      });
      assert.ok(
        matches.slice(0, 3).some((m) => m.id === ids[1]),
        JSON.stringify(matches.map((m) => m.content)),
      );
    });

    test('the event time is stored, returned and filtered on by since/until', async () => {
      const { matches } = await e.memory.query(kim, {
        query: 'clay teapot vendor wheel market',
        k: 10,
        reinforce: false,
      });
      const byId = new Map(matches.map((m) => [m.id, m.created_at]));
      assert.equal(byId.get(ids[1]!), MAY_2023 + DAY);
      const window = await e.memory.query(kim, {
        query: 'clay teapot vendor wheel market',
        k: 10,
        since: MAY_2023 + DAY,
        until: MAY_2023 + 2 * DAY,
        reinforce: false,
      });
      assert.deepEqual(window.matches.map((m) => m.id).sort(), [ids[1]!, ids[2]!].sort());
    });
  });

  describe(`threads switched off (${backend.name})`, () => {
    let e: OpenedEngine;
    before(async () => (e = await backend.open({ OM_THREAD_LINKS: 'false' })));
    after(() => e.cleanup());

    test('OM_THREAD_BACK_WEIGHT sets the weight of the link back', async () => {
      const other = await backend.open({ OM_THREAD_BACK_WEIGHT: '0.3' });
      try {
        const a = await other.memory.add(kim, {
          content: 'Lou: where is the spare tent?',
          metadata: { thread_id: 't' },
        });
        const b = await other.memory.add(kim, {
          content: 'Kim: rolled up under the stairs',
          metadata: { thread_id: 't' },
        });
        assert.equal(linkWeight(await other.memory.store.view(kim), b.id, a.id), 0.3);
      } finally {
        await other.cleanup();
      }
    });

    test('OM_THREAD_LINKS=false: a thread adds no links', async () => {
      const a = await e.memory.add(kim, { content: 'Lou: where is the spare tent?', metadata: { thread_id: 't' } });
      const b = await e.memory.add(kim, { content: 'Kim: rolled up under the stairs', metadata: { thread_id: 't' } });
      const view = await e.memory.store.view(kim);
      assert.ok(!view.outgoing(b.id).some((l) => l.dstId === a.id));
    });
  });
}
