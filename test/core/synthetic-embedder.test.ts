import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createEmbedder } from '../../src/embed/create.js';
import { SyntheticEmbedder, syntheticVector } from '../../src/embed/synthetic.js';
import { cosine } from '../../src/core/vector.js';

const norm = (v: Float32Array) => Math.hypot(...v);

test('synthetic vectors are deterministic, unit length and of the configured dimension', async () => {
  const e = new SyntheticEmbedder(128);
  assert.equal(e.id, 'synthetic:om2/128');
  const [a, b, empty] = await e.embed([
    { text: 'The cat sat on the mat', sector: 'semantic' },
    { text: 'The cat sat on the mat', sector: 'semantic' },
    { text: '...', sector: 'semantic' },
  ]);
  assert.equal(a!.length, 128);
  assert.deepEqual(a, b);
  assert.ok(Math.abs(norm(a!) - 1) < 1e-5);
  assert.ok(Math.abs(norm(empty!) - 1) < 1e-5, 'no tokens still gives a unit vector');
});

test('paraphrases are close, unrelated texts are not, and the sector barely matters', () => {
  const v = (t: string, s: 'semantic' | 'episodic' = 'semantic') => syntheticVector(t, s, 256);
  const fact = v('Marta keeps her passport in the blue drawer of the hallway desk');
  const para = v('Where does Marta store the passport?');
  const other = v('Tom went hiking in the Alps last summer with his brother');
  assert.ok(cosine(fact, para) > 0.4);
  assert.ok(Math.abs(cosine(fact, other)) < 0.15);
  assert.ok(cosine(fact, v('Marta keeps her passport in the blue drawer of the hallway desk', 'episodic')) > 0.95);
  assert.ok(cosine(v('我喜欢猫'), v('猫')) > 0.3, 'CJK shares character features');
});

test('the factory builds the synthetic embedder from OM_VEC_DIM and refuses a remote provider without its settings', () => {
  assert.equal(createEmbedder(loadConfig({ OM_VEC_DIM: '64' })).id, 'synthetic:om2/64');
  assert.throws(() => createEmbedder(loadConfig({ OM_EMBEDDINGS: 'gemini' })), { name: 'ConfigError' });
});
