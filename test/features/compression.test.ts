import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggressive, chooseAlgorithm, semantic, syntactic } from '../../src/features/compression/algorithms.js';
import { Compressor } from '../../src/features/compression/compressor.js';

test('each algorithm shortens the text it targets', () => {
  assert.equal(
    semantic('It is basically done. It is basically done. In order to win we act.'),
    'It is done. To win we act.',
  );
  assert.equal(syntactic('We do not know ;  it is { fine }'), "We don't know;it's{fine}");
  assert.equal(
    aggressive('See https://example.com/docs/page for the JavaScript database **setup**.'),
    'See example.com for the JS db setup.',
  );
});

test('auto picks by length, code and word count as v1.2 does', () => {
  assert.equal(chooseAlgorithm('short'), 'semantic');
  assert.equal(
    chooseAlgorithm('const x = () => 1; export function y() { return x(); } // quite long code'),
    'aggressive',
  );
  assert.equal(chooseAlgorithm(Array.from({ length: 120 }, () => 'word').join(' ')), 'semantic');
  assert.equal(chooseAlgorithm('This sentence is long enough to skip the short rule but has no code.'), 'syntactic');
});

test('metrics, analysis and stats add up', () => {
  const c = new Compressor();
  const text = 'It is basically important to note that it is basically done. It is basically done.';
  const a = c.compress(text, 'semantic');
  assert.ok(a.m.compTok < a.m.ogTok);
  assert.equal(a.m.saved, a.m.ogTok - a.m.compTok);
  assert.match(a.hash, /^[0-9a-f]{16}$/);
  assert.notEqual(c.compress(text, 'semantic'), a, 'no result is kept: a hit would tell one caller what another sent');
  assert.equal(c.compress(text, 'bogus').m.algo, chooseAlgorithm(text));
  const r = c.analyze(text);
  assert.deepEqual(Object.keys(r.analysis), ['semantic', 'syntactic', 'aggressive']);
  assert.match(r.rec.save, /^\d+\.\d{2}%$/);
  const s = c.stats();
  assert.equal(s.total, 6, 'every call is counted, the same text again too');
  assert.equal(s.algos.semantic, 3);
  c.reset();
  assert.equal(c.stats().total, 0);
});
