import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeOptionalVector, decodeVector, encodeVector } from '../../src/store/codec.js';
import { compareVersions, newestVersion } from '../../src/store/migrate/versions.js';
import { decodeMemory } from '../../src/store/rows.js';
import { copyField } from '../helpers/pg-dump.js';

describe('store codecs', () => {
  it('encodes float32 little-endian, 4 bytes per value, and decodes unaligned buffers', () => {
    const v = Float32Array.from([1, -0.5, 3.25]);
    const bytes = encodeVector(v);
    assert.deepEqual([...bytes.subarray(0, 4)], [0, 0, 0x80, 0x3f]);
    const unaligned = Buffer.concat([Buffer.from([9]), bytes]).subarray(1);
    assert.deepEqual(decodeVector(unaligned), v);
    assert.throws(() => encodeVector(Float32Array.from([Number.NaN])), /finite/);
    assert.throws(() => encodeVector(new Float32Array(0)), /empty/);
    assert.equal(decodeOptionalVector('garbage'), null);
  });

  it('decodes garbage rows of upgraded databases without throwing', () => {
    const m = decodeMemory({
      id: 'x',
      user_id: null,
      content: '[]',
      tags: '1.0',
      meta: 'not json',
      created_at: '1.0',
      salience: null,
    });
    assert.deepEqual([m.tags, m.meta, m.createdAt, m.salience, m.version], [null, {}, 1, 0, 1]);
  });

  it('compares versions numerically', () => {
    assert.ok(compareVersions('1.10.0', '1.2.0') > 0);
    assert.equal(newestVersion(['1.2.0', '2.0.4', '1.10.0']), '2.0.4');
  });

  it('reads COPY text fields', () => {
    assert.equal(copyField('\\N'), null);
    assert.equal(copyField('a\\tb\\nc\\\\d'), 'a\tb\nc\\d');
    assert.equal(copyField('\\\\x0a0b'), '\\x0a0b');
    assert.equal(copyField('\\101\\x42'), 'AB');
  });
});
