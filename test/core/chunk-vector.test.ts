import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkText } from '../../src/core/chunk.js';
import { averageVectors, cosine, meanVector, normalize } from '../../src/core/vector.js';

test('short text is one chunk; long text is split with overlap and loses nothing', () => {
  assert.deepEqual(chunkText('short'), ['short']);
  const sentence = (i: number) => `Sentence number ${i} talks about topic ${i % 7} in some detail.`;
  const text = Array.from({ length: 200 }, (_, i) => sentence(i)).join(' ');
  const chunks = chunkText(text);
  assert.ok(chunks.length > 1);
  for (const c of chunks) assert.ok(c.length <= 3072);
  for (let i = 0; i < 200; i++)
    assert.ok(
      chunks.some((c) => c.includes(sentence(i))),
      `sentence ${i} kept`,
    );
  assert.ok(chunks[1]!.startsWith(chunks[0]!.slice(-307)));
});

test('cosine: equal → 1, opposite → -1, different lengths → 0', () => {
  const a = Float32Array.from([1, 2, 3]);
  assert.ok(Math.abs(cosine(a, a) - 1) < 1e-6);
  assert.ok(Math.abs(cosine(a, Float32Array.from([-1, -2, -3])) + 1) < 1e-6);
  assert.equal(cosine(a, Float32Array.from([1, 2])), 0);
});

test('mean vector weights sectors by softmax of 2·weight and is unit length', () => {
  const e = normalize(Float32Array.from([1, 0]));
  const s = normalize(Float32Array.from([0, 1]));
  const m = meanVector([
    { sector: 'emotional', vector: e },
    { sector: 'reflective', vector: s },
  ])!;
  assert.ok(m[0]! > m[1]!, 'emotional (weight 1.3) outweighs reflective (0.8)');
  assert.ok(Math.abs(Math.hypot(m[0]!, m[1]!) - 1) < 1e-6);
  assert.equal(
    meanVector([
      { sector: 'semantic', vector: e },
      { sector: 'episodic', vector: Float32Array.from([1]) },
    ]),
    null,
  );
  const avg = averageVectors([e, s]);
  assert.ok(Math.abs(avg[0]! - Math.SQRT1_2) < 1e-6);
});
