/**
 * A sweep of every documented route (v1.2 isolation defects T4–T12: dashboards, IDE sessions,
 * LangGraph memory, ingestion, summaries, reinforcement, the waypoint graph) with alice's user key
 * and with the admin key naming alice, after bob and the default user stored secrets through
 * every writing route. No reply may carry their content or ids (unless the request named the id),
 * and nothing of theirs may change.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHarness, type Backend, type Harness } from '../http/harness.js';
import { openRaw } from './http-subject.js';
import { changedKeys, userFingerprints } from './rawdb.js';

const SECRET_WORDS = 'lighthouse keeper schedule harbor tuesday';

interface Victim {
  marker: string;
  ids: string[];
  session: string;
  fact: string;
}

async function plant(h: Harness, key: string, marker: string): Promise<Victim> {
  const text = `${marker} ${SECRET_WORDS}`;
  const ok = async (method: string, path: string, body: unknown) => {
    const r = await h.call(method, path, { key, body });
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const ids = [(await ok('POST', '/memory/add', { content: text, tags: [marker] })).id as string];
  ids.push(
    ...(
      (
        await ok('POST', '/memory/add/batch', {
          items: [{ content: `${text} batch one` }, { content: `${marker} a different lighthouse note` }],
        })
      ).items ?? []
    ).map((x: any) => x.id),
  );
  ids.push(
    (
      await ok('POST', '/memory/ingest', {
        content_type: 'text',
        data: `${text}\n\n${marker} second section about the keeper`,
      })
    ).root_memory_id,
  );
  const session = (await ok('POST', '/api/ide/session/start', { project_name: marker })).session_id as string;
  await ok('POST', '/api/ide/events', {
    event_type: 'edit',
    file_path: `/src/${marker}.ts`,
    content: text,
    session_id: session,
  });
  await ok('POST', '/lgm/store', { node: 'plan', content: text, namespace: 'shared-ns', graph_id: 'g1' });
  await ok('POST', '/memory/query', { query: SECRET_WORDS, k: 10 });
  // Every victim's fact shares a subject and predicate with alice's probe: hers must close none of theirs.
  const fact = (await ok('POST', '/api/temporal/fact', { subject: 'Lighthouse', predicate: 'keeps', object: text }))
    .id as string;
  return { marker, ids: [...ids.filter(Boolean), fact], session, fact };
}

function bodyFor(path: string, bob: Victim): unknown {
  const bodies: Record<string, unknown> = {
    '/memory/add': { content: `alice probe ${SECRET_WORDS}` },
    '/memory/add/batch': { items: [{ content: `alice batch ${SECRET_WORDS}` }] },
    '/memory/query': { query: SECRET_WORDS, k: 100 },
    '/memory/reinforce': { id: bob.ids[0] },
    '/memory/ingest': { content_type: 'text', data: `alice doc ${SECRET_WORDS}` },
    '/memory/ingest/url': { url: 'http://127.0.0.1:1/nothing' },
    '/api/ide/events': { event_type: 'edit', content: SECRET_WORDS, session_id: bob.session },
    '/api/ide/context': { query: SECRET_WORDS, k: 50, session_id: bob.session },
    '/api/ide/session/start': { project_name: 'alice' },
    '/api/ide/session/end': { session_id: bob.session },
    '/lgm/store': { node: 'plan', content: `alice ${SECRET_WORDS}`, namespace: 'shared-ns', graph_id: 'g1' },
    '/lgm/retrieve': { node: 'plan', query: SECRET_WORDS, namespace: 'shared-ns', graph_id: 'g1', limit: 100 },
    '/lgm/context': { node: 'plan', namespace: 'shared-ns', graph_id: 'g1', limit: 100 },
    '/lgm/reflection': { node: 'plan', namespace: 'shared-ns', graph_id: 'g1' },
    '/api/temporal/fact': { subject: 'Lighthouse', predicate: 'keeps', object: 'alice probe', confidence: 0.2 },
  };
  return bodies[path] ?? { text: SECRET_WORDS, texts: [SECRET_WORDS] };
}

const ADMIN_WIDE = new Set(['/users/summaries/regenerate-all', '/users', '/api/temporal/decay']);

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  test(`every route on ${backend}: alice never sees or changes bob's or the default user's data`, {
    timeout: 300_000,
  }, async () => {
    const h = await openHarness(backend);
    const raw = await openRaw(h);
    try {
      const key = async (user: string | null) =>
        (await h.call('POST', '/admin/keys', { body: { user_id: user } })).body.key as string;
      const [alice, bobKey, defaultKey] = [await key('alice'), await key('bob'), await key(null)];
      const victims = [await plant(h, bobKey, 'zqmbobsecret'), await plant(h, defaultKey, 'zqmdefaultsecret')];
      const bob = victims[0]!;
      await h.memory.settle();
      const before = await userFingerprints(raw, ['bob', null]);

      const doc = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      let requests = 0;
      const statuses: Record<string, number> = {};
      for (const [template, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops).map((m) => m.toUpperCase())) {
          const paths = template.includes('{')
            ? ['bob', 'alice', ...bob.ids.slice(0, 1), bob.session, bob.fact].map((p) =>
                template.replace(/\{[^}]+\}/, encodeURIComponent(p)),
              )
            : [template];
          for (const path of paths) {
            // The admin key may act for anyone it names in a path (it names only alice there) and
            // for everyone on admin-wide routes (regenerate-all, the user list), so those are alice-key only.
            const adminActsForAlice = !path.includes('/bob') && !ADMIN_WIDE.has(template);
            const callers = [
              { key: alice, extra: {} },
              ...(adminActsForAlice ? [{ key: undefined, extra: { user_id: 'alice' } }] : []),
            ];
            for (const as of callers) {
              const withUser = as.key ? path : `${path}${path.includes('?') ? '&' : '?'}user_id=alice`;
              const body =
                method === 'GET' || method === 'DELETE'
                  ? undefined
                  : { ...(bodyFor(template, bob) as object), ...as.extra };
              const r = await h.call(method, withUser, { key: as.key, body });
              requests++;
              await h.memory.settle();
              statuses[r.status] = (statuses[r.status] ?? 0) + 1;
              const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
              const sent = `${withUser} ${JSON.stringify(body ?? '')}`;
              const what = `${method} ${withUser} (${as.key ? 'alice key' : 'admin naming alice'}) -> ${r.status} ${text.slice(0, 300)}`;
              assert.ok(r.status < 500 || (r.status === 502 && template === '/memory/ingest/url'), `5xx: ${what}`);
              for (const v of victims) {
                assert.ok(!text.includes(v.marker), `leak of ${v.marker}: ${what}`);
                for (const id of v.ids)
                  if (!sent.includes(id)) assert.ok(!text.includes(id), `leak of id ${id}: ${what}`);
              }
              assert.deepEqual(
                changedKeys(before, await userFingerprints(raw, ['bob', null])),
                [],
                `changed bob's or the default user's rows: ${what}`,
              );
            }
          }
        }
      }
      console.log(
        `[isolation routes ${backend}] ${requests} requests over ${Object.keys(doc.paths).length} paths; statuses ${JSON.stringify(statuses)}`,
      );
    } finally {
      await raw.close();
      await h.close();
    }
  });
}
