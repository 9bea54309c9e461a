import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuseRanks } from '../../src/core/fusion.js';
import { stemWord } from '../../src/core/stem.js';
import { threadOf, threadOfJson } from '../../src/core/thread.js';
import { canonicalTokens, isFunctionWord, termTokens } from '../../src/core/tokens.js';

test('stemWord: inflections meet their base form, e and doubled consonants restored', () => {
  for (const [words, stem] of [
    [['hike', 'hiking', 'hiked', 'hikes'], 'hike'],
    [['research', 'researching', 'researched'], 'research'],
    [['run', 'running', 'runs'], 'run'],
    [['adopt', 'adoption', 'adopted', 'adopting'], 'adopt'],
    [['paint', 'painting', 'paints', 'painted'], 'paint'],
  ] as const) {
    for (const w of words) assert.equal(stemWord(w), stem, w);
  }
  assert.equal(stemWord('caress'), 'caress');
  assert.equal(stemWord('ponies'), 'poni');
  assert.equal(stemWord('relational'), 'relat');
});

test('stemWord keeps numbers, mixed tokens and short words whole', () => {
  for (const w of ['2023', '3d', 'mp3', 'is', 'go']) assert.equal(stemWord(w), w);
});

test('termTokens stem for the index; canonicalTokens (stored vectors, fingerprints) are unchanged', () => {
  assert.deepEqual(termTokens('She was hiking and painted sunsets'), ['she', 'was', 'hike', 'and', 'paint', 'sunset']);
  assert.deepEqual(canonicalTokens('She was hiking and painted sunsets'), [
    'she',
    'was',
    'hik',
    'and',
    'paint',
    'sunset',
  ]);
  // Function words are not stemmed into content-looking stems, and count as function words.
  assert.ok(termTokens('was has when').every(isFunctionWord));
});

test('fuseRanks: agreement beats one signal, ties stay ties, missing signals add nothing', () => {
  const fused = fuseRanks(
    [
      { scores: [14, 9, 0, 9], weight: 1 },
      { scores: [0.1, 0.3, 0.2, 0.3], weight: 1 },
    ],
    4,
  );
  assert.ok(fused[1]! > fused[0]!, 'second in one, first in the other beats first in one, last in the other');
  assert.equal(fused[1], fused[3], 'equal scores in every signal: equal fused scores');
  assert.ok(fused[2]! < fused[1]!);
  assert.ok(fused.every((f) => f > 0 && f <= 1));
  assert.equal(
    fuseRanks(
      [
        { scores: [5], weight: 1 },
        { scores: [1], weight: 2 },
      ],
      1,
    )[0],
    1,
    'first everywhere scores 1',
  );
  assert.deepEqual([...fuseRanks([{ scores: [0, -1], weight: 1 }], 2)], [0, 0]);
});

test('threadOf: a non-blank string thread_id of bounded length', () => {
  assert.equal(threadOf({ thread_id: 'chat-1' }), 'chat-1');
  for (const meta of [{}, { thread_id: 3 }, { thread_id: '  ' }, { thread_id: 'x'.repeat(300) }, null])
    assert.equal(threadOf(meta), null);
  assert.equal(threadOfJson('{"thread_id":"s2","turn":4}'), 's2');
  assert.equal(threadOfJson('{"other":1}'), null);
  assert.equal(threadOfJson('{"thread_id": broken'), null);
});

test('fuseRanks: every candidate gets weight / (k + 1 + the number of scores above its own), ties included', () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let round = 0; round < 200; round++) {
    const count = 1 + Math.floor(random() * 40);
    // Few distinct values, so ties are common; zeros and negatives are "not found".
    const signals = Array.from({ length: 3 }, () => ({
      scores: Array.from({ length: count }, () => Math.floor(random() * 6) - 1),
      weight: random() < 0.2 ? 0 : random() + 0.1,
    }));
    const expected = new Array<number>(count).fill(0);
    let best = 0;
    for (const { scores, weight } of signals) {
      if (weight <= 0) continue;
      best += weight / 3;
      scores.forEach((s, c) => {
        if (s > 0) expected[c]! += weight / (2 + 1 + scores.filter((o) => o > s).length);
      });
    }
    const fused = fuseRanks(signals, count);
    expected.forEach((e, c) =>
      assert.ok(Math.abs(fused[c]! - (best > 0 ? e / best : e)) < 1e-12, `round ${round}, candidate ${c}`),
    );
  }
});
