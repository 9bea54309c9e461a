import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hammingDistance, isNearDuplicate, sameWording, simhash } from '../../src/core/simhash.js';

test('fingerprints are 16 hex characters with two different halves', () => {
  const h = simhash('The quick brown fox jumps over the lazy dog');
  assert.match(h, /^[0-9a-f]{16}$/);
  assert.notEqual(h.slice(0, 8), h.slice(8));
});

test('same token set → same fingerprint; different texts are far apart', () => {
  assert.equal(simhash('Dark mode is on'), simhash('dark MODE is on!'));
  assert.ok(
    hammingDistance(simhash('I bought apples at the market'), simhash('The meeting moved to Friday afternoon')) > 10,
  );
});

test('synonyms are not folded for dedup', () => {
  assert.notEqual(simhash('Alice prefers dark mode'), simhash('alice loves night layouts'));
});

test('CJK and emoji texts get distinct fingerprints', () => {
  const texts = ['我喜欢猫', '我喜欢狗', '今天天气很好', '🎉🎂', '🐶🐱', '🚀', '!!!', '???'];
  const hashes = new Set(texts.map(simhash));
  assert.equal(hashes.size, texts.length);
  assert.ok(!isNearDuplicate(simhash('🎉🎂'), simhash('🐶🐱')));
});

test('hamming distance counts differing bits', () => {
  assert.equal(hammingDistance('0000000000000000', '0000000000000000'), 0);
  assert.equal(hammingDistance('0000000000000000', 'ffffffffffffffff'), 64);
  assert.equal(hammingDistance('0000000100000001', '0000000000000000'), 2);
  assert.equal(hammingDistance('bad', '0000000000000000'), 64);
  assert.equal(hammingDistance('000000000000000g', '0000000000000000'), 64);
  assert.equal(hammingDistance('0000000\u00100000000', '0000000000000000'), 64);
  assert.equal(hammingDistance('FFFFFFFF0000000A', 'ffffffff0000000a'), 0);
  assert.ok(isNearDuplicate('0000000000000007', '0000000000000000'));
  assert.ok(!isNearDuplicate('000000000000000f', '0000000000000000'));
});

test('same wording: order, case, punctuation and fillers aside; a different name, number or negation is another fact', () => {
  assert.ok(sameWording('Carol owns a red kayak', 'carol owns red kayak!'));
  assert.ok(sameWording('Erin keeps her bike in the garage', 'there Erin keeps her bike in the garage'));
  assert.ok(
    !sameWording(
      'The key for the velkawunka project is in the safe',
      'The key for the kafewpimgho project is in the safe',
    ),
  );
  assert.ok(!sameWording('I have 3 bags (note 12)', 'I have 3 bags (note 13)'));
  assert.ok(!sameWording('I like tea', 'I do not like tea'));
  assert.ok(!sameWording('!!!', '???'));
  assert.ok(sameWording('!!!', ' !!! '));
});
