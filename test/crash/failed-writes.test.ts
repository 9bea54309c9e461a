/**
 * Writes that fail half-way (the embedding provider goes down after the request was accepted)
 * answer a typed upstream error and leave the database exactly as it was, on SQLite and
 * PostgreSQL; once the provider heals, the same writes succeed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openAiErrors, fakeOpenAi } from '../embed/fake-providers.js';
import { openHarness, type Backend, type Harness } from '../http/harness.js';
import { openRaw } from '../isolation/http-subject.js';
import { databaseFingerprint, type RawDb } from '../isolation/rawdb.js';

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  test(`a write whose embedding fails changes nothing on ${backend}`, { timeout: 120_000 }, async () => {
    const fake = await fakeOpenAi('sk-test', 32);
    let h: Harness | null = null;
    let raw: RawDb | null = null;
    try {
      h = await openHarness(backend, {
        OM_EMBEDDINGS: 'openai',
        OM_OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: 'sk-test',
        OM_EMBED_MAX_RETRIES: '0',
        OM_EMBED_CACHE_SIZE: '0',
      });
      raw = await openRaw(h);
      const first = await h!.call('POST', '/memory/add', {
        body: { content: 'The lighthouse keeper logs the weather at dawn', user_id: 'alice' },
      });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const id = first.body.id as string;
      const writes: Array<[string, string, unknown]> = [
        ['POST', '/memory/add', { content: 'A brand new note about harbour tides', user_id: 'alice' }],
        [
          'POST',
          '/memory/add/batch',
          {
            items: [{ content: 'batch note one about ferries' }, { content: 'batch note two about buoys' }],
            user_id: 'bob',
          },
        ],
        ['PATCH', `/memory/${id}`, { content: 'The keeper now logs the weather at dusk', user_id: 'alice' }],
        [
          'POST',
          '/memory/ingest',
          { content_type: 'text', data: 'A long document.\n\nWith a second section about gulls.', user_id: 'alice' },
        ],
      ];
      await h!.memory.settle();
      const before = await databaseFingerprint(raw!);
      fake.failAfter(0, openAiErrors.overloaded);
      for (const [method, path, body] of writes) {
        const r = await h!.call(method, path, { body });
        assert.ok(
          r.status === 502 || r.status === 503,
          `${method} ${path} during the outage: HTTP ${r.status} ${JSON.stringify(r.body)}`,
        );
        assert.equal(typeof r.body.error, 'string');
        await h!.memory.settle();
        assert.equal(await databaseFingerprint(raw!), before, `${method} ${path} failed but changed the database`);
      }
      fake.heal();
      for (const [method, path, body] of writes) {
        const r = await h!.call(method, path, { body });
        assert.equal(r.status, 200, `${method} ${path} after the outage: ${JSON.stringify(r.body)}`);
      }
      console.log(
        `[failed writes ${backend}] ${writes.length} writes refused during the outage left the database unchanged`,
      );
    } finally {
      await raw?.close();
      await h?.close();
      await fake.close();
    }
  });
}
