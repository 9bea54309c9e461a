import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { contextScores } from '../../src/engine/text-context.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, type OpenedEngine } from './backends.js';

const ana = userScope('ana');
const TOPICS = ['kayak', 'violin', 'glacier', 'lantern', 'orchard', 'pottery', 'telescope', 'marathon'];
const TOP = 3;

/** One thread per topic: a turn naming it, then a reply that answers without naming it. */
async function addThreads(e: OpenedEngine): Promise<Map<string, string>> {
  const replies = new Map<string, string>();
  for (const [i, topic] of TOPICS.entries()) {
    const thread = { thread_id: `chat-${topic}` };
    await e.memory.add(ana, { content: `Bo: so how was the ${topic} thing?`, metadata: thread });
    const reply = await e.memory.add(ana, {
      content: `Ana: wonderful, we stayed until evening number ${i}`,
      metadata: thread,
    });
    replies.set(topic, reply.id);
    // Distractors: the topic word, outside any thread.
    await e.memory.add(ana, { content: `Note: buy a ${topic} poster for the hallway` });
    await e.memory.add(ana, { content: `Reminder: the ${topic} catalogue arrives on Monday` });
  }
  return replies;
}

/** Rank (0 = first, k = not returned) of each topic's reply for a question naming the topic. */
async function replyRanks(e: OpenedEngine, replies: ReadonlyMap<string, string>): Promise<number[]> {
  const ranks: number[] = [];
  for (const topic of TOPICS) {
    const { matches } = await e.memory.query(ana, {
      query: `what did Ana say about the ${topic}?`,
      k: 10,
      reinforce: false,
    });
    const at = matches.findIndex((m) => m.id === replies.get(topic));
    ranks.push(at < 0 ? 10 : at);
  }
  return ranks;
}

for (const backend of BACKENDS) {
  describe(`contextual text scores (${backend.name})`, () => {
    let on: OpenedEngine;
    let off: OpenedEngine;
    let repliesOn: Map<string, string>;
    let repliesOff: Map<string, string>;
    before(async () => {
      on = await backend.open();
      off = await backend.open({ OM_CONTEXT_SHARE: '0' });
      repliesOn = await addThreads(on);
      repliesOff = await addThreads(off);
    });
    after(async () => {
      await on.cleanup();
      await off.cleanup();
    });

    test('a text hit passes its BM25 times the link weight to the memories it links to', async () => {
      const view = await on.memory.store.view(ana);
      const hits = view.searchText(['kayak'], 10);
      const scores = contextScores(view, hits);
      const replyId = repliesOn.get('kayak')!;
      const question = hits.find((h) => view.outgoing(view.idAt(h.row)!).some((l) => l.dstId === replyId))!;
      const weight = view.outgoing(view.idAt(question.row)!).find((l) => l.dstId === replyId)!.weight;
      const replyRow = [...scores.keys()].find((row) => view.idAt(row) === replyId)!;
      assert.ok(Math.abs(scores.get(replyRow)! - weight * question.rank) < 1e-9);
    });

    test(`the reply to a turn the question names ranks in the top ${TOP}, higher than with OM_CONTEXT_SHARE=0`, async () => {
      const withContext = await replyRanks(on, repliesOn);
      const without = await replyRanks(off, repliesOff);
      console.log(`# reply ranks with context ${withContext.join(',')}; without ${without.join(',')}`);
      assert.ok(withContext.every((r) => r < TOP));
      assert.ok(withContext.reduce((a, b) => a + b) < without.reduce((a, b) => a + b));
    });
  });
}
