import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Vocabulary } from '../../src/core/vocabulary.js';

test('term ids are assigned once, in order of first sight', () => {
  const v = new Vocabulary();
  assert.deepEqual(
    ['tea', 'milk', 'tea'].map((t) => v.id(t)),
    [0, 1, 0],
  );
  assert.equal(v.find('milk'), 1);
  assert.equal(v.find('coffee'), undefined);
  assert.equal(v.term(1), 'milk');
});

test('each pass of marks starts empty and never reads the marks of another pass, through growth of the vocabulary', () => {
  const v = new Vocabulary();
  for (let i = 0; i < 10; i++) v.id(`t${i}`);
  const first = v.marks();
  first.set(3, 7);
  const second = v.marks();
  assert.equal(second.get(3), 0, 'a new pass sees none of an earlier one');
  assert.equal(first.get(3), 7);
  second.set(3, 9);
  // The passes share storage: the earlier one may lose its mark (a memo recomputes it), never read 9.
  assert.equal(first.get(3), 0);
  first.set(5, 1);
  assert.equal(second.get(5), 0);
  // Terms added after a pass began: marking them is ignored there, and a new pass covers them.
  for (let i = 10; i < 100; i++) v.id(`t${i}`);
  first.set(90, 5);
  assert.equal(first.get(90), 0);
  const third = v.marks();
  assert.equal(third.get(3), 0);
  third.set(90, 4);
  assert.equal(third.get(90), 4);
  assert.equal(first.get(5), 1, 'a pass from before the growth keeps its own storage');
});
