/**
 * /openapi.json: every route the app serves is documented; the main routes' 200 replies have
 * real schemas (from the zod reply shapes) and real replies conform to them; every operation lists
 * the error responses it can give, described from the error catalogue; body needs and limits show.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERRORS } from '../../src/errors.js';
import { routeName } from '../../src/interfaces/http/route.js';
import { schemaErrors } from '../helpers/json-schema.js';
import { openHarness, type Harness } from './harness.js';

type Json = Record<string, any>;

/** Routes whose replies have a declared shape. */
const DESCRIBED = [
  'post /memory/add',
  'post /memory/add/batch',
  'post /memory/query',
  'post /memory/reinforce',
  'get /memory/all',
  'get /memory/{id}',
  'patch /memory/{id}',
  'delete /memory/{id}',
  'post /memory/ingest',
  'post /memory/ingest/url',
  'post /users/summaries/regenerate-all',
  'get /users/{user_id}/summary',
  'post /users/{user_id}/summary/regenerate',
  'get /users/{user_id}/memories',
  'delete /users/{user_id}/memories',
  'post /admin/keys',
  'get /admin/keys',
  'delete /admin/keys/{id}',
];

describe('/openapi.json', () => {
  let h: Harness;
  let doc: Json;
  before(async () => {
    h = await openHarness('sqlite', { OM_MAX_PAYLOAD_SIZE: '2000000' });
    doc = (await h.call('GET', '/openapi.json', { key: null })).body;
  });
  after(() => h.close());

  /** A `#/components/...` reference followed to what it names. */
  const resolve = (o: Json): Json =>
    o.$ref
      ? resolve(
          o.$ref
            .slice(2)
            .split('/')
            .reduce((s: Json, p: string) => s[p], doc),
        )
      : o;
  const operations = () =>
    Object.entries(doc.paths as Json).flatMap(([path, ops]) =>
      Object.entries(ops as Json).map(([m, op]) => ({ key: `${m} ${path}`, op: op as Json })),
    );

  test('documents every route the app serves, /mcp included', () => {
    // The dashboard's page and files (src/interfaces/web) are for browsers, not part of the API.
    const web = /^\/($|dashboard$|ui(\/|$))/;
    const served = h.app.routes
      .filter((r) => r.method !== 'ALL' && !web.test(r.path))
      .map((r) => `${r.method.toLowerCase()} ${routeName(r.path).replace(/:(\w+)/g, '{$1}')}`);
    assert.ok(served.includes('post /mcp'));
    const documented = new Set(operations().map((o) => o.key));
    assert.deepEqual(
      served.filter((k) => !documented.has(k)),
      [],
    );
    assert.equal(documented.size, served.length);
  });

  test('main routes describe their 200 reply; every operation has one', () => {
    for (const { key, op } of operations()) {
      const ok = op.responses['200'];
      assert.ok(ok?.content, `${key}: no 200 response`);
      const schema = Object.values(ok.content as Json)[0].schema;
      if (DESCRIBED.includes(key)) assert.ok(schema.properties && schema.required?.length, `${key}: bare 200 schema`);
    }
    assert.equal(doc.paths['/metrics'].get.responses['200'].content['text/plain'].schema.type, 'string');
  });

  test('error responses come from the catalogue and are listed per operation', () => {
    const error = doc.components.schemas.Error;
    assert.deepEqual(error.properties.error.enum, Object.keys(ERRORS));
    for (const [code, { status, meaning }] of Object.entries(ERRORS)) {
      assert.ok(doc.components.responses[status].description.includes(`\`${code}\`: ${meaning}`), code);
    }
    for (const { key, op } of operations()) {
      const statuses = Object.keys(op.responses);
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic) for (const s of ['401', '403']) assert.ok(statuses.includes(s), `${key}: no ${s}`);
      if (op.requestBody) for (const s of ['400', '413', '415']) assert.ok(statuses.includes(s), `${key}: no ${s}`);
      if (key.includes('{')) assert.ok(statuses.includes('404'), `${key}: no 404`);
      for (const s of statuses.filter((s) => s !== '200')) {
        const r = resolve(op.responses[s]);
        assert.ok(r.description && r.content['application/json'].schema, `${key} ${s}`);
      }
    }
    assert.ok(doc.paths['/memory/all'].get.responses['429']);
    assert.equal(doc.paths['/health'].get.responses['429'], undefined, '/health is not rate-limited');
  });

  test('bodies that are needed are required; limits are stated', () => {
    const body = (key: string) => operations().find((o) => o.key === key)!.op.requestBody;
    const needed = ['post /memory/add', 'post /memory/query', 'post /memory/ingest', 'post /admin/keys', 'post /mcp'];
    for (const key of needed) assert.equal(body(key)?.required, true, key);
    assert.equal(body('post /users/{user_id}/summary/regenerate'), undefined);
    assert.equal(body('delete /memory/{id}').required, false);
    const ingest = doc.paths['/memory/ingest'].post.description;
    assert.match(ingest, /at most 2000000 bytes \(OM_MAX_PAYLOAD_SIZE\)/);
    assert.match(ingest, /up to 20000000 characters/);
    assert.match(doc.paths['/memory/ingest/url'].post.description, /at most 64000 bytes, fetched within 2000 ms/);
  });

  test('real replies conform to their documented schemas', async () => {
    const checked: string[] = [];
    const call = async (method: string, template: string, path: string, body?: unknown, key?: string | null) => {
      const r = await h.call(method, path, { body, key });
      const response = doc.paths[template][method.toLowerCase()].responses[String(r.status)];
      assert.ok(response, `${method} ${path}: status ${r.status} not documented (${JSON.stringify(r.body)})`);
      const errors = schemaErrors(resolve(response).content['application/json'].schema, r.body, doc);
      assert.deepEqual(errors, [], `${method} ${path} ${r.status}`);
      checked.push(`${method} ${template} ${r.status}`);
      return r.body;
    };
    const alice = { user_id: 'alice' };
    const bees = 'Alice keeps bees on the roof';
    const added = await call('POST', '/memory/add', '/memory/add', { content: bees, tags: ['bees'], ...alice });
    assert.equal((await call('POST', '/memory/add', '/memory/add', { content: bees, ...alice })).deduplicated, true);
    const items = [{ content: 'Alice sells honey' }];
    await call('POST', '/memory/add/batch', '/memory/add/batch', { items, ...alice });
    assert.ok((await call('POST', '/memory/query', '/memory/query', { query: 'bees', ...alice })).matches.length > 0);
    await call('POST', '/memory/reinforce', '/memory/reinforce', { id: added.id, ...alice });
    await call('GET', '/memory/all', '/memory/all?user_id=alice');
    await call('GET', '/memory/{id}', `/memory/${added.id}?user_id=alice`);
    await call('PATCH', '/memory/{id}', `/memory/${added.id}`, { tags: ['bees', 'roof'], ...alice });
    const doc1 = { content_type: 'md', data: '# Hives\n\nThree hives on the roof.', ...alice };
    await call('POST', '/memory/ingest', '/memory/ingest', doc1);
    await call('GET', '/users/{user_id}/summary', '/users/alice/summary');
    await call('POST', '/users/{user_id}/summary/regenerate', '/users/alice/summary/regenerate');
    await call('GET', '/users/{user_id}/memories', '/users/alice/memories');
    await call('POST', '/users/summaries/regenerate-all', '/users/summaries/regenerate-all');
    const key = await call('POST', '/admin/keys', '/admin/keys', { user_id: 'alice', label: 'laptop' });
    await call('GET', '/admin/keys', '/admin/keys');
    await call('DELETE', '/admin/keys/{id}', `/admin/keys/${key.id}`);
    await call('DELETE', '/memory/{id}', `/memory/${added.id}?user_id=alice`);
    await call('DELETE', '/users/{user_id}/memories', '/users/alice/memories');
    // Errors against the Error schema.
    await call('GET', '/memory/{id}', `/memory/${added.id}?user_id=alice`);
    await call('POST', '/memory/add', '/memory/add', {});
    await call('GET', '/memory/all', '/memory/all', undefined, null);
    await call('GET', '/memory/all', '/memory/all', undefined, 'om_not-a-key');
    for (const c of ['GET /memory/{id} 404', 'POST /memory/add 400', 'GET /memory/all 401', 'GET /memory/all 403']) {
      assert.ok(checked.includes(c), c);
    }
    // The checker does reject what does not conform.
    const addSchema = doc.paths['/memory/add'].post.responses['200'].content['application/json'].schema;
    const valid = { id: 'x', primary_sector: 'semantic', sectors: [], chunks: 1 };
    assert.deepEqual(schemaErrors(addSchema, valid, doc), []);
    assert.notDeepEqual(schemaErrors(addSchema, { ...valid, extra: 1 }, doc), []);
    assert.notDeepEqual(schemaErrors(addSchema, { ...valid, primary_sector: 'nope' }, doc), []);
    assert.notDeepEqual(schemaErrors(addSchema, { ...valid, chunks: '1' }, doc), []);
  });
});
