import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, type OpenedEngine } from './backends.js';
import { userFacts } from './needle-corpus.js';

const USERS = 10;
const PER_USER = 200;
const NEEDLES_PER_USER = 20;
const TOP = 5;

for (const backend of BACKENDS) {
  describe(`needle recall (${backend.name})`, () => {
    let e: OpenedEngine;
    const owned = new Map<string, Set<string>>();
    const needles: Array<{ user: string; id: string; query: string }> = [];

    before(async () => {
      e = await backend.open();
      for (let u = 0; u < USERS; u++) {
        const user = `needle-user-${u}`;
        const facts = userFacts(1000 + u, PER_USER);
        const results = await e.memory.addMany(
          userScope(user),
          facts.map((f) => ({ content: f.memory })),
        );
        assert.ok(
          results.every((r) => !r.deduplicated),
          'distinct facts are never merged as duplicates',
        );
        owned.set(user, new Set(results.map((r) => r.id)));
        for (let i = 0; i < NEEDLES_PER_USER; i++) {
          const j = (i * 37 + u) % PER_USER;
          needles.push({ user, id: results[j]!.id, query: facts[j]!.query });
        }
      }
    });
    after(() => e.cleanup());

    test(`≥ 95% of needles in the top ${TOP}, never another user's memory`, async () => {
      let found = 0;
      const misses: string[] = [];
      for (const n of needles) {
        const { matches } = await e.memory.query(userScope(n.user), { query: n.query, k: TOP, reinforce: false });
        for (const m of matches)
          assert.ok(owned.get(n.user)!.has(m.id), `query of ${n.user} returned a memory of another user`);
        if (matches.some((m) => m.id === n.id)) found++;
        else misses.push(n.query);
      }
      const recall = found / needles.length;
      console.log(
        `# needle recall (${backend.name}): ${found}/${needles.length} = ${(100 * recall).toFixed(1)}% in top ${TOP}`,
      );
      if (misses.length > 0) console.log(`# misses: ${misses.slice(0, 5).join(' | ')}`);
      assert.ok(recall >= 0.95, `recall ${recall}`);
    });
  });
}
