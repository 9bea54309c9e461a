import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Memory } from '../../src/engine/memory.js';
import { createLogger } from '../../src/log.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS } from './backends.js';

for (const backend of BACKENDS) {
  test(`a database embedded by another model is reported at start-up (${backend.name})`, async () => {
    const db = await backend.database();
    try {
      const first = await Memory.open({ config: db.config({ OM_VEC_DIM: '256' }), jobs: false });
      await first.add(userScope('m'), { content: 'Vectors made by the 256-dimensional embedder' });
      assert.equal(first.modelStatus.ok, true);
      await first.close();

      const lines: string[] = [];
      const second = await Memory.open({
        config: db.config({ OM_VEC_DIM: '128' }),
        jobs: false,
        logger: createLogger('warn', {}, (l) => lines.push(l)),
      });
      try {
        assert.equal(second.modelStatus.ok, false);
        assert.equal(second.modelStatus.configured, 'synthetic:om2/128');
        assert.match(second.modelStatus.message!, /1 vectors of synthetic:om2\/256 \(dim 256\)/);
        assert.ok(lines.some((l) => JSON.parse(l).msg === 'embedding model mismatch'));
      } finally {
        await second.close();
      }
    } finally {
      await db.drop();
    }
  });
}
