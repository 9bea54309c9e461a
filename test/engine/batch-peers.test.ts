import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rng } from '../../bench/corpus.js';
import type { Sector, SectorVector } from '../../src/core/types.js';
import { normalize } from '../../src/core/vector.js';
import { BatchPeers } from '../../src/engine/waypoints.js';

const DIM = 256;

const sv = (sector: Sector, vector: Float32Array): SectorVector => ({ sector, vector, model: null });

function unitVector(seed: number): Float32Array {
  const r = rng(seed);
  return normalize(Float32Array.from({ length: DIM }, () => r() - 0.5));
}

/** The plain answer: the best positive cosine among the last `window` peers of the sector, the earlier on ties. */
function expected(peers: Array<{ id: string; v: Float32Array }>, q: Float32Array, window: number) {
  let best: { id: string; similarity: number } | null = null;
  for (const p of peers.slice(-window)) {
    let dot = 0;
    for (let j = 0; j < DIM; j++) dot += p.v[j]! * q[j]!;
    if (dot > (best?.similarity ?? 0)) best = { id: p.id, similarity: dot };
  }
  return best;
}

test('batch peers: the most similar earlier memory of the same sector, within the last 256 (both kernel paths)', () => {
  const peers = new BatchPeers();
  const semantic: Array<{ id: string; v: Float32Array }> = [];
  // Past 64 rows of 256 floats the matrix moves to WebAssembly; past 256 the window slides.
  for (let i = 0; i < 400; i++) {
    const v = unitVector(i + 1);
    peers.add(`m${i}`, [sv('semantic', v), sv('episodic', unitVector(10_000 + i))]);
    semantic.push({ id: `m${i}`, v });
    if (![1, 10, 63, 64, 65, 200, 256, 257, 399].includes(i)) continue;
    for (const seed of [i + 1, 5_000 + i]) {
      const q = unitVector(seed);
      const got = peers.best(sv('semantic', q));
      const want = expected(semantic, q, 256);
      assert.equal(got?.id, want?.id, `after ${i + 1} peers, query ${seed}`);
      assert.ok(Math.abs((got?.similarity ?? 0) - (want?.similarity ?? 0)) < 1e-5);
    }
  }
  // A peer beyond the window is no longer found, even when it is the query itself.
  assert.notEqual(peers.best(sv('semantic', semantic[0]!.v))?.id, 'm0');
});

test('batch peers: none in another sector, none of another width, none merely opposite', () => {
  const peers = new BatchPeers();
  const v = unitVector(7);
  peers.add('a', [sv('semantic', v)]);
  assert.equal(peers.best(sv('procedural', v)), null);
  assert.equal(peers.best(sv('semantic', normalize(Float32Array.of(1, 2, 3)))), null);
  assert.equal(
    peers.best(
      sv(
        'semantic',
        v.map((x) => -x),
      ),
    ),
    null,
  );
  assert.equal(peers.best(sv('semantic', v))?.id, 'a');
});
