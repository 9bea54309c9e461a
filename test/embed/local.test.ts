/**
 * OM_EMBEDDINGS=local with the real model. Its piece table is made on the first run (tens of
 * seconds) and kept in a directory under the system's temp directory, so later runs read it back.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createEmbedder } from '../../src/embed/create.js';
import { LocalEmbedder } from '../../src/embed/providers/local-embedder.js';
import { projectOntoMainDirections } from '../../src/embed/providers/local-projection.js';
import { UNKNOWN_ID, UnigramTokenizer } from '../../src/embed/providers/local-tokenizer.js';
import { unitCosine } from '../../src/core/vector.js';
import { ConfigError } from '../../src/errors.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS } from '../engine/backends.js';

const cacheDir = path.join(os.tmpdir(), 'openmemory-test-local-embedder');
const embedder = new LocalEmbedder(cacheDir);
const vectorOf = async (text: string) => (await embedder.embed([{ text, sector: 'semantic' }]))[0]!;

describe('unigram tokenizer', () => {
  const vocabulary: [string, number][] = [
    ['<unk>', 0],
    ['\u2581', -5],
    ['\u2581the', -1],
    ['\u2581cat', -3],
    ['\u2581c', -4],
    ['at', -4],
    ['s', -2],
    ['\u2581cats', -9],
  ];
  const tokenizer = new UnigramTokenizer(vocabulary, 1);

  test('takes the segmentation of highest total score', () => {
    // "▁cat" + "s" (-5) beats "▁cats" (-9) and "▁c" + "at" + "s" (-10).
    assert.deepEqual(tokenizer.encode('cats'), [3, 6]);
    assert.deepEqual(tokenizer.encode('  the   cat '), [2, 3]);
  });

  test('characters no piece covers become one unknown token, surrogate pairs whole', () => {
    assert.deepEqual(tokenizer.encode('the 🐈🐈 cat'), [2, 1, UNKNOWN_ID, 3]);
    assert.deepEqual(tokenizer.encode('the xyz'), [2, 1, UNKNOWN_ID]);
  });
});

describe('projection onto main directions', () => {
  const count = 40;
  const dim = 6;
  const rows = Float32Array.from(
    { length: count * dim },
    (_, k) => Math.sin(k * 1.7 + 0.3) * (k % dim === 2 ? 10 : 0.5),
  );
  const dot = (m: Float32Array, width: number, i: number, j: number) => {
    let s = 0;
    for (let d = 0; d < width; d++) s += m[i * width + d]! * m[j * width + d]!;
    return s;
  };

  test('keeping every dimension is a rotation: inner products unchanged', () => {
    const p = projectOntoMainDirections(rows, count, dim, dim);
    for (const [i, j] of [
      [0, 1],
      [3, 7],
      [5, 5],
      [12, 39],
    ] as const) {
      assert.ok(Math.abs(dot(p, dim, i, j) - dot(rows, dim, i, j)) < 1e-3, `rows ${i} and ${j}`);
    }
  });

  test('one dimension kept is the direction of most energy', () => {
    const p = projectOntoMainDirections(rows, count, dim, 1);
    for (let i = 0; i < count; i++)
      assert.ok(Math.abs(Math.abs(p[i]!) - Math.abs(rows[i * dim + 2]!)) < 0.6, `row ${i}`);
  });
});

describe('local embedder (real model)', () => {
  test('loads the model: dimension from the model, id, a cache file for the next start', async () => {
    await embedder.verify();
    assert.equal(embedder.dim, 256);
    assert.equal(embedder.id, 'local:use-lite-pieces/256');
    assert.ok(readdirSync(cacheDir).some((f) => f.endsWith('.f32')));
    const v = await vectorOf('Alice prefers window seats on long flights');
    assert.equal(v.length, 256);
    assert.ok(Math.abs(unitCosine(v, v) - 1) < 1e-5);
  });

  test('semantic neighbours are closer than unrelated sentences, without shared words', async () => {
    // [text, its paraphrase or answer, an unrelated text]; the synthetic embedder orders 3 of these 5 wrongly.
    const triples = [
      [
        'What kind of pet does she have?',
        'We adopted a puppy from the animal shelter last week.',
        'The quarterly budget report is due on Friday.',
      ],
      [
        'I play the guitar in a band.',
        'She went to a rock concert with friends.',
        'The quarterly budget report is due on Friday.',
      ],
      [
        'He lost his job at the bank.',
        'He was fired from his position as a banker.',
        'We adopted a puppy from the animal shelter last week.',
      ],
      ['Where did they go on vacation?', 'We spent two weeks at the beach in Hawaii.', 'I play the guitar in a band.'],
      [
        'My doctor told me to exercise more.',
        'I started running every morning for my health.',
        'The quarterly budget report is due on Friday.',
      ],
    ];
    for (const [text, near, far] of triples) {
      const [t, n, f] = await Promise.all([text!, near!, far!].map(vectorOf));
      assert.ok(unitCosine(t!, n!) > unitCosine(t!, f!), `${text}: ${unitCosine(t!, n!)} vs ${unitCosine(t!, f!)}`);
    }
  });

  test('a batch gives the vectors of its texts one by one, whatever the sector', async () => {
    const texts = [
      'Caroline went to a support group.',
      'Melanie painted a sunrise.',
      'Caroline went to a support group.',
    ];
    const batch = await embedder.embed(texts.map((text, i) => ({ text, sector: i === 2 ? 'episodic' : 'semantic' })));
    for (const [i, text] of texts.entries()) assert.deepEqual(batch[i], await vectorOf(text));
    // Equal texts give equal vectors that are still separate arrays.
    assert.notEqual(batch[0], batch[2]);
  });

  test('a text without known pieces gets a unit vector', async () => {
    const v = await vectorOf('');
    assert.ok(Math.abs(unitCosine(v, v) - 1) < 1e-5);
  });

  test('a second embedder reads the cached table and gives the same vectors', async () => {
    const again = new LocalEmbedder(cacheDir);
    const started = performance.now();
    await again.verify();
    assert.ok(performance.now() - started < 5000, 'read from the cache, not made again');
    const text = 'Jon lost his job as a banker and opened a dance studio.';
    assert.deepEqual((await again.embed([{ text, sector: 'semantic' }]))[0], await vectorOf(text));
  });

  test('OM_EMBEDDINGS=local is this embedder; an OM_VEC_DIM the model does not give stops start-up', async () => {
    const config = loadConfig({ OM_EMBEDDINGS: 'local', OM_LOCAL_EMBED_CACHE_DIR: cacheDir });
    assert.ok(createEmbedder(config) instanceof LocalEmbedder);
    const wrong = createEmbedder({ ...config, embeddings: { ...config.embeddings, requestedDim: 512 } });
    await assert.rejects(
      wrong.verify!(),
      (e: unknown) => e instanceof ConfigError && /OM_VEC_DIM: is 512 but the local model gives 256/.test(e.message),
    );
  });
});

for (const backend of BACKENDS) {
  test(`${backend.name}: the engine with OM_EMBEDDINGS=local finds a paraphrase that shares no word`, async () => {
    const { memory, cleanup } = await backend.open({ OM_EMBEDDINGS: 'local', OM_LOCAL_EMBED_CACHE_DIR: cacheDir });
    try {
      const u = userScope('u-local');
      await memory.add(u, { content: 'We adopted a puppy from the animal shelter.' });
      await memory.add(u, { content: 'The quarterly budget report is due on Friday.' });
      await memory.add(u, { content: 'I play the guitar in a band.' });
      const { matches } = await memory.query(u, { query: 'what pet do they own', k: 3, reinforce: false });
      assert.equal(matches[0]?.content, 'We adopted a puppy from the animal shelter.');
    } finally {
      await cleanup();
    }
  });
}
