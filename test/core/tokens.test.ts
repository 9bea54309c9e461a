import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalTokens, stem, tokenOverlap, tokenSet } from '../../src/core/tokens.js';

test('Latin words are lower-cased, stemmed and synonym-folded', () => {
  assert.deepEqual(canonicalTokens('Alice LOVES dark Themes'), ['alice', 'prefer', 'dark', 'theme']);
  assert.deepEqual(canonicalTokens('night layouts', false), ['night', 'layout']);
  assert.equal(stem('stories'), 'story');
  assert.equal(stem('running'), 'runn');
  assert.equal(stem('bus'), 'bus');
  assert.equal(stem('glass'), 'glass');
});

test('CJK text yields characters and bigrams, emoji yield themselves', () => {
  assert.deepEqual(canonicalTokens('我喜欢猫'), ['我', '喜', '我喜', '欢', '喜欢', '猫', '欢猫']);
  assert.deepEqual(canonicalTokens('party 🎉🎂'), ['party', '🎉', '🎂']);
  assert.deepEqual(canonicalTokens('Привет мир'), ['привет', 'мир']);
  assert.notDeepEqual(tokenSet('我喜欢猫'), tokenSet('我喜欢狗'));
});

test('overlap is the share of query tokens found in the memory', () => {
  assert.equal(tokenOverlap(tokenSet('red car'), tokenSet('the red bicycle')), 0.5);
  assert.equal(tokenOverlap(new Set(), tokenSet('x')), 0);
});
