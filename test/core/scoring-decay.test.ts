import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  DECAY_FLOOR,
  coactivatedWeight,
  decayedSalience,
  recalledWeight,
  recency,
  retrievalBoost,
  salienceAnchor,
} from '../../src/core/decay.js';
import { keywordOverlap, keywordQuery, keywordScore as score, tokenized } from '../../src/core/keyword.js';
import { Vocabulary } from '../../src/core/vocabulary.js';

/** Ids of the tokens in `vocabulary`, added as they come (as a user model holds a memory's tokens). */
const idsOf = (vocabulary: Vocabulary, tokens: readonly string[]) => Int32Array.from(tokens, (t) => vocabulary.id(t));

function keywordScore(q: string, c: string, min: number): number {
  const vocabulary = new Vocabulary();
  const ids = idsOf(vocabulary, tokenized(c).tokens);
  return score(keywordQuery(tokenized(q), min, vocabulary), c, ids);
}
import { compositeScore, fusedSimilarity, relevance, tagMatch, type ScoreParts } from '../../src/core/scoring.js';

const DAY = 86_400_000;
const parts = (p: Partial<ScoreParts>): ScoreParts => ({
  similarity: 0,
  overlap: 0,
  waypoint: 0,
  recency: 0,
  keyword: 0,
  tag: 0,
  salience: 0,
  ...p,
});

test('composite score stays in [0, 1] and orders by its parts', () => {
  assert.equal(compositeScore(parts({}), false), 0);
  assert.ok(
    Math.abs(
      compositeScore(
        parts({ similarity: 1, overlap: 1, waypoint: 1, recency: 1, keyword: 1, tag: 1, salience: 1 }),
        true,
      ) - 1,
    ) < 1e-9,
  );
  assert.ok(compositeScore(parts({ similarity: 0.8 }), false) > compositeScore(parts({ similarity: 0.4 }), false));
  assert.ok(
    compositeScore(parts({ similarity: 0.5, keyword: 1 }), false) > compositeScore(parts({ similarity: 0.5 }), false),
  );
  // The tag term counts only when the query names tags.
  assert.ok(
    compositeScore(parts({ similarity: 0.5, tag: 1 }), true) > compositeScore(parts({ similarity: 0.5, tag: 0 }), true),
  );
  assert.equal(
    compositeScore(parts({ similarity: 0.5, tag: 1 }), false),
    compositeScore(parts({ similarity: 0.5 }), false),
  );
});

test('salience and recency reorder near-equals but cannot lift a memory over a clearly better match', () => {
  const asked = parts({ similarity: 0.61, overlap: 0.8, keyword: 0.7, salience: 0.4, recency: 1 });
  const recalledOften = parts({ similarity: 0.6, overlap: 0.6, keyword: 0.51, salience: 1, recency: 1, waypoint: 0.5 });
  const best = Math.max(relevance(asked, false), relevance(recalledOften, false));
  // Without the fade the reinforced look-alike wins (the salience weight outruns the relevance gap).
  assert.ok(compositeScore(recalledOften, false) > compositeScore(asked, false));
  assert.ok(compositeScore(asked, false, best) > compositeScore(recalledOften, false, best));
  // Equally relevant: the more salient one ranks first, and the best candidate keeps its full score.
  const twin = { ...asked, salience: 0.9 };
  assert.ok(compositeScore(twin, false, best) > compositeScore(asked, false, best));
  assert.equal(compositeScore(asked, false, best), compositeScore(asked, false));
  // Relevance leaves the earned parts out.
  assert.equal(
    relevance(parts({ similarity: 1, overlap: 1, keyword: 1 }), false),
    relevance(parts({ similarity: 1, overlap: 1, keyword: 1, salience: 1, recency: 1 }), false),
  );
});

test('fused similarity takes the best sector and the resonance-weighted mean', () => {
  assert.equal(fusedSimilarity(new Map([['semantic', 0.6]]), 'semantic', 'semantic'), 0.6);
  assert.equal(
    fusedSimilarity(
      new Map([
        ['semantic', 0.2],
        ['episodic', 0.7],
      ]),
      'episodic',
      'semantic',
    ),
    0.7,
  );
  assert.equal(fusedSimilarity(new Map(), 'semantic', 'semantic'), 0);
});

test('tag match is the share of query tags present, case-insensitive', () => {
  assert.equal(tagMatch(['A', 'b'], ['a']), 0.5);
  assert.equal(tagMatch(['a'], null), 0);
});

test('keyword score: exact phrase beats partial overlap beats nothing', () => {
  const full = keywordScore('blue drawer', 'the passport is in the blue drawer', 3);
  const part = keywordScore('blue cupboard', 'the passport is in the blue drawer', 3);
  assert.ok(full > part && part > 0);
  assert.equal(keywordScore('zebra', 'the passport is in the blue drawer', 3), 0);
  assert.ok(full <= 1);
});

test('decay relaxes toward the floor and composes exactly (no compounding)', () => {
  const once = decayedSalience(0.9, 0.02, 10 * DAY);
  const twice = decayedSalience(decayedSalience(0.9, 0.02, 4 * DAY), 0.02, 6 * DAY);
  assert.ok(Math.abs(once - twice) < 1e-12);
  assert.ok(once < 0.9 && once > DECAY_FLOOR);
  assert.ok(
    decayedSalience(0.9, 0.001, 10 * DAY) > decayedSalience(0.9, 0.02, 10 * DAY),
    'reflective decays slower than emotional',
  );
  assert.equal(decayedSalience(0.5, 0.02, 0), 0.5);
  assert.equal(salienceAnchor(100, 200), 200);
  assert.equal(salienceAnchor(300, 200), 300);
  assert.equal(salienceAnchor(300, null), 300);
});

test('recency, retrieval boost and co-activation stay in [0, 1]', () => {
  assert.equal(recency(0, 0), 1);
  assert.equal(recency(0, 90 * DAY), 0);
  assert.ok(Math.abs(retrievalBoost(0.5) - 0.59) < 1e-12);
  assert.equal(retrievalBoost(1), 1);
  assert.ok(coactivatedWeight(0.5, 0) > 0.5 && coactivatedWeight(0.99, 0) <= 1);
});

test('a recall strengthens existing path links up to the cap and links co-activated memories', () => {
  const close = (a: number | undefined, b: number) =>
    assert.ok(a !== undefined && Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  close(recalledWeight(0.5, true, undefined), 0.55);
  assert.equal(recalledWeight(0.98, true, undefined), 1);
  assert.equal(recalledWeight(1, true, undefined), undefined, 'at the cap: nothing to write');
  assert.equal(recalledWeight(undefined, true, undefined), undefined, 'a path link that is gone stays gone');
  close(recalledWeight(undefined, false, 0), 0.1);
  close(recalledWeight(0.5, true, 0), 0.595);
  assert.equal(
    recalledWeight(undefined, false, 3 * 3_600_000),
    undefined,
    'memories seen hours apart: a link pruning would delete at once',
  );
  assert.equal(recalledWeight(0.3, false, undefined), undefined);
});

/** v1.2's definition of the overlap: both texts' key sets (tokens, 3-grams of longer tokens, word bigrams and trigrams). */
function overlapByKeySets(q: string[], d: string[]): number {
  const keys = (tokens: string[]) => {
    const out = new Map<string, number>();
    tokens.forEach((t, i) => {
      out.set(t, 1);
      if (t.length > 3) for (let j = 0; j + 3 <= t.length; j++) out.set(`#${t.slice(j, j + 3)}`, 1);
      if (i > 0) out.set(`${tokens[i - 1]}_${t}`, 2);
      if (i > 1) out.set(`${tokens[i - 2]}_${tokens[i - 1]}_${t}`, 2);
    });
    return out;
  };
  const dk = keys(d);
  let total = 0;
  let matched = 0;
  for (const [k, w] of keys(q)) {
    total += w;
    if (dk.has(k)) matched += w;
  }
  return total > 0 ? matched / total : 0;
}

test('keyword overlap by substring search equals the key-set definition', () => {
  const word = fc.constantFrom(
    'key',
    'keys',
    'spare',
    'project',
    'kazorvel',
    'zorvel',
    'velka',
    'drawer',
    'blue',
    'kept',
    '東京',
    'tokyo',
  );
  fc.assert(
    fc.property(
      fc.array(word, { minLength: 1, maxLength: 7 }),
      fc.array(fc.array(word, { maxLength: 12 }), { minLength: 1, maxLength: 3 }),
      (q, docs) => {
        // One query scores several candidates in turn, as a query does.
        const vocabulary = new Vocabulary();
        const ids = docs.map((d) => idsOf(vocabulary, d));
        const query = keywordQuery({ text: q.join(' '), tokens: q }, 3, vocabulary);
        return docs.every((d, i) => Math.abs(keywordOverlap(query, ids[i]!) - overlapByKeySets(q, d)) < 1e-12);
      },
    ),
    { numRuns: 500 },
  );
});
