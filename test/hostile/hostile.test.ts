/**
 * Hostile input against every HTTP route on SQLite and PostgreSQL: no 5xx, no crash, no internals
 * in error bodies, no other user's content in a user key's replies, and the database unchanged
 * (fingerprint of every row) by every rejected request.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ADMIN_KEY, openHarness, type Backend, type Harness } from '../http/harness.js';
import { propertyRuns, propertySeed } from '../isolation/ops.js';
import { openRaw } from '../isolation/http-subject.js';
import { databaseFingerprint } from '../isolation/rawdb.js';
import { hostileRequest, type HostileRequest, type RouteRef } from './requests.js';

const RUNS = 400;
/** The one route whose failure is an upstream's: an unreachable URL is a 502, not our crash. */
const UPSTREAM_ROUTE = '/memory/ingest/url';
const INTERNALS = /SQLITE_|syntax error|node_modules|\.ts:\d+|relation "|violates|TypeError|ReferenceError/;

interface Seeded {
  users: string[];
  keys: Record<'alice' | 'bob' | 'default' | 'revoked', string>;
  ids: Record<'alice' | 'bob' | 'default', string[]>;
  markers: Record<'alice' | 'bob' | 'default', string>;
}

async function seed(h: Harness): Promise<Seeded> {
  const key = async (user: string | null) =>
    (await h.call('POST', '/admin/keys', { body: { user_id: user } })).body as { id: string; key: string };
  const revoked = await key('carol');
  assert.equal((await h.call('DELETE', `/admin/keys/${revoked.id}`)).status, 200);
  const keys = {
    alice: (await key('alice')).key,
    bob: (await key('bob')).key,
    default: (await key(null)).key,
    revoked: revoked.key,
  };
  const markers = { alice: 'zqmalicesecret', bob: 'zqmbobsecret', default: 'zqmdefaultsecret' };
  const ids = { alice: [] as string[], bob: [] as string[], default: [] as string[] };
  for (const who of ['alice', 'bob', 'default'] as const) {
    for (const text of ['Meeting with the design team on Friday', 'I prefer dark mode', '東京で寿司を食べた']) {
      const r = await h.call('POST', '/memory/add', {
        key: keys[who],
        body: { content: `${markers[who]} ${text}`, tags: ['t'] },
      });
      assert.equal(r.status, 200);
      ids[who].push(r.body.id);
    }
  }
  return { users: ['alice', 'bob', 'carol'], keys, ids, markers };
}

async function send(h: Harness, req: HostileRequest): Promise<{ status: number; text: string }> {
  const res = await h.app.request(req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  return { status: res.status, text: await res.text() };
}

function requestText(req: HostileRequest): string {
  return `${req.url} ${typeof req.body === 'string' ? req.body.slice(0, 100_000) : ''}`;
}

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  test(`hostile requests on ${backend}: no 5xx, no leak, rejected requests change nothing`, {
    timeout: 900_000,
  }, async () => {
    const h = await openHarness(backend);
    const raw = await openRaw(h);
    try {
      const s = await seed(h);
      const doc = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const routes: RouteRef[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
      );
      assert.ok(routes.length >= 40, `only ${routes.length} routes documented`);
      const userKeys = new Map<string, 'alice' | 'bob' | 'default'>([
        [s.keys.alice, 'alice'],
        [s.keys.bob, 'bob'],
        [s.keys.default, 'default'],
      ]);
      const pools = {
        routes,
        ids: [...s.ids.alice, ...s.ids.bob, ...s.ids.default],
        keys: [
          ADMIN_KEY,
          ADMIN_KEY,
          s.keys.alice,
          s.keys.alice,
          s.keys.bob,
          s.keys.default,
          s.keys.revoked,
          'om_wrong-key-0123456789abcdef',
          'x',
          null,
        ],
        users: s.users,
      };
      const statuses = new Map<number, number>();
      const seedValue = propertySeed();
      const runs = propertyRuns(RUNS);
      console.log(`[hostile ${backend}] seed=${seedValue} runs=${runs} (replay: OM_PROP_SEED=${seedValue})`);
      let requests = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(hostileRequest(pools), { minLength: 1, maxLength: 10 }), async (reqs) => {
          for (const req of reqs) {
            await h.memory.settle();
            const before = await databaseFingerprint(raw);
            const r = await send(h, req);
            requests++;
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            const what = `${req.method} ${req.url.slice(0, 200)} -> ${r.status} ${r.text.slice(0, 300)}`;
            const upstream = r.status === 502 && req.route.path === UPSTREAM_ROUTE;
            assert.ok(r.status < 500 || upstream, `5xx: ${what}`);
            if (r.status >= 400) {
              assert.doesNotMatch(r.text, INTERNALS, `internals in an error body: ${what}`);
              await h.memory.settle();
              assert.equal(await databaseFingerprint(raw), before, `a rejected request changed the database: ${what}`);
            }
            const caller = userKeys.get(
              req.headers.authorization?.replace(/^(Bearer|ApiKey) /, '') ?? req.headers['x-api-key'] ?? '',
            );
            if (caller && r.status === 200) {
              const sent = requestText(req);
              for (const other of ['alice', 'bob', 'default'] as const) {
                if (other === caller) continue;
                assert.ok(!r.text.includes(s.markers[other]), `${caller} saw ${other}'s content: ${what}`);
                for (const id of s.ids[other])
                  if (!sent.includes(id)) assert.ok(!r.text.includes(id), `${caller} saw ${other}'s id: ${what}`);
              }
            }
          }
        }),
        { seed: seedValue, numRuns: runs, includeErrorInReport: true },
      );
      const health = await h.call('GET', '/health', { key: null });
      assert.equal(health.status, 200, 'the server still answers');
      console.log(
        `[hostile ${backend}] ${requests} requests checked; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
      );
    } finally {
      await raw.close();
      await h.close();
    }
  });
}
