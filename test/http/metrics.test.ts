/** /metrics exposes the embedder's counters per provider beside the request metrics (a fake OpenAI). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeOpenAi, openAiErrors } from '../embed/fake-providers.js';
import { openHarness } from './harness.js';

/** The value of one sample line, e.g. `om_embed_texts{provider="openai"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `no ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

test('/metrics counts embedding calls, texts, errors and request time per provider', { timeout: 60_000 }, async () => {
  const fake = await fakeOpenAi('sk-test', 32);
  const h = await openHarness('sqlite', {
    OM_EMBEDDINGS: 'openai',
    OM_OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: 'sk-test',
    OM_EMBED_MAX_RETRIES: '0',
    OM_EMBED_CACHE_SIZE: '0',
  });
  try {
    const before = (await h.call('GET', '/metrics')).body as string;
    const callsBefore = before.includes('om_embed_calls{') ? sample(before, 'om_embed_calls{provider="openai"}') : 0;
    const added = await h.call('POST', '/memory/add/batch', {
      body: { items: [{ content: 'Tides turn twice a day' }, { content: 'Ferries leave at noon' }], user_id: 'ann' },
    });
    assert.equal(added.status, 200);
    fake.failAfter(0, openAiErrors.overloaded);
    assert.notEqual(
      (await h.call('POST', '/memory/add', { body: { content: 'Buoys mark the channel', user_id: 'ann' } })).status,
      200,
    );
    fake.heal();

    const text = (await h.call('GET', '/metrics')).body as string;
    assert.match(text, /# TYPE om_embed_calls gauge/);
    const p = (name: string) => sample(text, `${name}{provider="openai"}`);
    assert.equal(p('om_embed_calls') - callsBefore, 2);
    assert.ok(p('om_embed_texts') >= 3);
    assert.equal(p('om_embed_errors'), 1);
    assert.ok(p('om_embed_failed_requests') >= 1);
    assert.ok(p('om_embed_requests') >= p('om_embed_calls'));
    assert.ok(p('om_embed_request_seconds_total') > 0);
    assert.ok(p('om_embed_request_seconds_max') <= p('om_embed_request_seconds_total'));
  } finally {
    await h.close();
    await fake.close();
  }
});

test('an in-process embedder has no provider series', async () => {
  const h = await openHarness('sqlite');
  try {
    await h.call('POST', '/memory/add', { body: { content: 'Synthetic vectors need no provider' } });
    const text = (await h.call('GET', '/metrics')).body as string;
    assert.match(text, /om_http_requests_total/);
    assert.doesNotMatch(text, /om_embed_/);
  } finally {
    await h.close();
  }
});

test('/metrics reports the user models: held, bytes, budget, loads, load time and evictions', async () => {
  const h = await openHarness('sqlite', { OM_MODEL_MEMORY_MB: '48' });
  try {
    for (const user of ['ann', 'bo'])
      await h.call('POST', '/memory/add', { body: { content: `${user} walks the dog at dawn`, user_id: user } });
    for (const user of ['ann', 'bo', 'cy'])
      await h.call('POST', '/memory/query', { body: { query: 'dog', user_id: user } });
    const text = (await h.call('GET', '/metrics')).body as string;
    assert.equal(sample(text, 'om_user_model_budget_bytes'), 48 * 2 ** 20);
    assert.equal(sample(text, 'om_user_models'), 3);
    assert.ok(sample(text, 'om_user_model_bytes') > 0);
    assert.ok(sample(text, 'om_user_model_loads') >= 3);
    assert.ok(sample(text, 'om_user_model_load_seconds_total') > 0);
    assert.ok(sample(text, 'om_user_model_load_seconds_max') <= sample(text, 'om_user_model_load_seconds_total'));
    assert.equal(sample(text, 'om_user_model_evictions'), 0);
  } finally {
    await h.close();
  }
});
