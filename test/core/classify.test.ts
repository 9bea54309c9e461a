import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, sectorScores } from '../../src/core/classify.js';

test('v1.2 example: "I went to the store today" scores episodic 6.0', () => {
  assert.equal(sectorScores('I went to the store today').episodic, 6);
  assert.equal(classify('I went to the store today').primary, 'episodic');
});

test('each sector is recognised by its cues', () => {
  assert.equal(classify('How to install the tool: first run the setup, then configure it').primary, 'procedural');
  assert.equal(classify('I feel so happy and excited, this is amazing!!').primary, 'emotional');
  assert.equal(classify('The definition of the concept comes from research data').primary, 'semantic');
  assert.equal(classify('I realize the lesson: I should have reflected on my belief').primary, 'reflective');
});

test('no cue → semantic with confidence 0.2', () => {
  assert.deepEqual(classify('zebra quartz'), { primary: 'semantic', additional: [], confidence: 0.2 });
});

test('metadata sector overrides, anything else is ignored', () => {
  assert.deepEqual(classify('I went to the store today', 'procedural'), {
    primary: 'procedural',
    additional: [],
    confidence: 1,
  });
  assert.equal(classify('I went to the store today', 'nonsense').primary, 'episodic');
});

test('additional sectors need at least max(1, 0.3 × primary)', () => {
  const c = classify('Yesterday I felt happy about the research data');
  assert.equal(c.primary, 'episodic');
  assert.ok(c.additional.includes('emotional'));
  assert.ok(c.additional.includes('semantic'));
  assert.ok(c.confidence > 0 && c.confidence < 1);
});
