import assert from 'node:assert/strict';
import { test } from 'node:test';
import { greedyClusters } from '../../src/core/cluster.js';
import { findReflections } from '../../src/core/reflect.js';
import { EMPTY_SUMMARY, userSummaryText } from '../../src/core/summary.js';
import { tokenSet } from '../../src/core/tokens.js';
import { syntheticVector } from '../../src/embed/synthetic.js';

const item = (id: string, content: string, sector = 'semantic') => ({
  id,
  content,
  primarySector: sector,
  vector: syntheticVector(content, 'semantic', 256),
  tokens: tokenSet(content),
  salience: 0.5,
  createdAt: 0,
  updatedAt: 0,
});

const coffee = [
  item('a', 'I drink black coffee every morning before work'),
  item('b', 'I drink black coffee every morning before my work'),
  item('c', 'Every morning before work I drink black coffee'),
];
const other = [
  item('d', 'The invoice for the roof repair is due in March'),
  item('e', 'Quantum tunnelling lets particles cross barriers'),
];

test('clusters group similar memories of the same sector only', () => {
  const clusters = greedyClusters([...coffee, ...other], 0.8);
  assert.deepEqual(clusters[0]!.map((m) => m.id).sort(), ['a', 'b', 'c']);
  assert.equal(clusters.length, 3);
  const mixed = greedyClusters([coffee[0]!, { ...coffee[1]!, primarySector: 'episodic' }], 0.8);
  assert.equal(mixed.length, 2);
  assert.equal(greedyClusters([{ ...coffee[0]!, primarySector: 'reflective' }], 0.8).length, 0);
});

test('reflections name their sources and skip already reflected ones', () => {
  const r = findReflections([...coffee, ...other], new Set());
  assert.equal(r.length, 1);
  assert.deepEqual(r[0]!.sources.sort(), ['a', 'b', 'c']);
  assert.match(r[0]!.content, /^3 semantic pattern: I drink black coffee/);
  assert.equal(findReflections([...coffee, ...other], new Set(['a', 'b', 'c'])).length, 0);
});

test('summary follows the v1.2 layout and counts', () => {
  assert.equal(userSummaryText([], 0), EMPTY_SUMMARY);
  const text = userSummaryText([...coffee, ...other], 1000);
  assert.match(
    text,
    /^5 memories, 3 patterns \| moderate \| avg_sal=0\.50 \| top: semantic\(3, sal=0\.\d\d\): "I drink black coffee every morning befor\.\.\."/,
  );
});
