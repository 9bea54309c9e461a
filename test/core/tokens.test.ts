import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalTokens, overlapShare, overlapTokens, stem, tokenSet } from '../../src/core/tokens.js';

test('Latin words are lower-cased, stemmed and synonym-folded', () => {
  assert.deepEqual(canonicalTokens('Alice LOVES dark Themes'), ['alice', 'prefer', 'dark', 'theme']);
  assert.deepEqual(canonicalTokens('night layouts', false), ['night', 'layout']);
  assert.equal(stem('stories'), 'story');
  assert.equal(stem('running'), 'runn');
  assert.equal(stem('bus'), 'bus');
  assert.equal(stem('glass'), 'glass');
});

test('ASCII texts (tokenized on a fast path) get the tokens the general path gives them', () => {
  // A lone non-ASCII letter yields no token but sends the text down the general path.
  const general = (text: string, fold: boolean) => canonicalTokens(`${text} é`, fold);
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-'\t\n#*_ss ies ing ers ed";
  for (let i = 0; i < 2000; i++) {
    const text = Array.from(
      { length: Math.floor(random() * 60) },
      () => alphabet[Math.floor(random() * alphabet.length)],
    ).join('');
    for (const fold of [true, false])
      assert.deepEqual(canonicalTokens(text, fold), general(text, fold), JSON.stringify(text));
  }
  assert.deepEqual(canonicalTokens('Glasses, 3 bodies & LOVED papers'), ['glasse', '3', 'body', 'lov', 'paper']);
  assert.deepEqual(
    [canonicalTokens('loves it'), canonicalTokens('loves it', false)],
    [
      ['prefer', 'it'],
      ['love', 'it'],
    ],
    'folded and unfolded forms are remembered apart',
  );
});

test('CJK text yields characters and bigrams, emoji yield themselves', () => {
  assert.deepEqual(canonicalTokens('我喜欢猫'), ['我', '喜', '我喜', '欢', '喜欢', '猫', '欢猫']);
  assert.deepEqual(canonicalTokens('party 🎉🎂'), ['party', '🎉', '🎂']);
  assert.deepEqual(canonicalTokens('Привет мир'), ['привет', 'мир']);
  assert.notDeepEqual(tokenSet('我喜欢猫'), tokenSet('我喜欢狗'));
});

test('overlap is the share of query tokens found in the memory', () => {
  assert.equal(overlapShare(overlapTokens(canonicalTokens('red car')), canonicalTokens('the red bicycle')), 0.5);
  assert.equal(overlapShare(overlapTokens([]), canonicalTokens('x')), 0);
  assert.deepEqual(
    overlapTokens(canonicalTokens('the car and the bike')),
    ['car', 'bike'],
    'function words count only when nothing else is left',
  );
  assert.deepEqual(overlapTokens(canonicalTokens('what is it')), ['what', 'is', 'it']);
});
