/**
 * Unknown paths and methods: a path no route has is 404 `no route ...` (a word after /memory/ is
 * not taken for a memory id), a path served under other methods is 405 with `Allow`, and a
 * well-formed id that does not exist is still `memory not found`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openHarness, type Harness } from './harness.js';

describe('routing of unknown paths and methods', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness('sqlite');
  });
  after(() => h.close());

  test('a misspelt route is an unknown route, not a missing memory', async () => {
    for (const path of ['/memory/serach', '/memory/alll', '/no/such/route', '/memory/all/']) {
      const r = await h.call('GET', path);
      assert.equal(r.status, 404, path);
      assert.deepEqual(r.body, { error: 'not_found', message: `no route GET ${path}` });
    }
  });

  test('an id-shaped path whose memory does not exist keeps "memory not found"', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const r = await h.call(method, '/memory/00000000-0000-4000-8000-000000000000', { body: { content: 'x' } });
      assert.equal(r.status, 404, method);
      assert.deepEqual(r.body, { error: 'not_found', message: 'memory not found' });
    }
  });

  test('a path served under other methods is 405 with Allow', async () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/memory/add', 'POST'],
      ['DELETE', '/memory/all', 'GET, HEAD'],
      ['POST', '/memory/00000000-0000-4000-8000-000000000000', 'GET, HEAD, PATCH, DELETE'],
      ['PATCH', '/users/alice/memories', 'GET, HEAD, DELETE'],
    ];
    for (const [method, path, allow] of cases) {
      const r = await h.call(method, path, { body: {} });
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.get('allow'), allow);
      assert.equal(r.body.error, 'method_not_allowed');
      assert.equal(r.body.message, `no route ${method} ${path}; this path takes ${allow}`);
    }
  });

  test('requests to unknown routes are counted under one label, not per path', async () => {
    await h.call('GET', '/memory/serach');
    const metrics = (await h.call('GET', '/metrics')).body as string;
    assert.doesNotMatch(metrics, /serach/);
    assert.match(metrics, /route="\/memory\/:id"/);
  });
});
