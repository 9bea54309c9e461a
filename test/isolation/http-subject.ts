/**
 * The isolation subject over the HTTP API (in-process app, real engine and database). Most users
 * act through their own user key (the default user through a key bound to it); the last named
 * user is driven by the admin key naming it in `user_id`, as a trusted backend would.
 */
import { userScope } from '../../src/store/scope.js';
import type { Harness } from '../http/harness.js';
import { testPgUrl } from '../helpers/pg.js';
import { openRawPg, openRawSqlite, integrity, userFingerprints, type RawDb } from './rawdb.js';
import type { Outcome, SeenMemory, Subject, User } from './subject.js';

type Reply = { status: number; body: any };

export async function openRaw(h: Harness): Promise<RawDb> {
  const c = h.memory.config;
  return c.backend === 'postgres' ? openRawPg(testPgUrl(), c.pg.schema) : openRawSqlite(c.dbPath);
}

function expectOk(r: Reply, what: string): any {
  if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** 404 and 400 are refusals the property judges; anything else unexpected is a failure. */
function outcomeOf(r: Reply, what: string): Outcome<any> {
  if (r.status === 200) return { ok: true, value: r.body };
  if (r.status === 404) return { ok: false, code: 'not_found' };
  if (r.status === 400) return { ok: false, code: 'validation_error' };
  throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
}

export function httpSubject(h: Harness, raw: RawDb, name: string): Subject {
  const keys = new Map<User, string>();
  const viaAdmin = (u: User): boolean => u?.endsWith('_u2') === true;
  async function as(u: User): Promise<{ key: string | undefined; user: Record<string, string> }> {
    if (viaAdmin(u)) return { key: undefined, user: { user_id: u! } };
    let key = keys.get(u);
    if (!key) {
      key = expectOk(await h.call('POST', '/admin/keys', { body: { user_id: u, label: 'isolation' } }), 'create key')
        .key as string;
      keys.set(u, key);
    }
    return { key, user: {} };
  }
  const qs = (params: Record<string, string | number>) =>
    new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const memPath = (id: string, user: Record<string, string>) =>
    `/memory/${encodeURIComponent(id)}${user.user_id ? `?${qs(user)}` : ''}`;

  return {
    name,
    async add(u, content, tags) {
      const a = await as(u);
      const body = expectOk(
        await h.call('POST', '/memory/add', { key: a.key, body: { content, tags, ...a.user } }),
        'add',
      );
      return { id: body.id, deduplicated: body.deduplicated === true };
    },
    async query(u, text, k) {
      const a = await as(u);
      return expectOk(
        await h.call('POST', '/memory/query', { key: a.key, body: { query: text, k, filters: a.user } }),
        'query',
      ).matches;
    },
    async page(u, limit, offset) {
      const a = await as(u);
      return expectOk(
        await h.call('GET', `/memory/all?${qs({ l: limit, u: offset, ...a.user })}`, { key: a.key }),
        'list',
      ).items as SeenMemory[];
    },
    async get(u, id) {
      const a = await as(u);
      return outcomeOf(await h.call('GET', memPath(id, a.user), { key: a.key }), 'get');
    },
    async update(u, id, content) {
      const a = await as(u);
      return outcomeOf(await h.call('PATCH', memPath(id, {}), { key: a.key, body: { content, ...a.user } }), 'update');
    },
    async delete(u, id) {
      const a = await as(u);
      return outcomeOf(await h.call('DELETE', memPath(id, a.user), { key: a.key }), 'delete');
    },
    async reinforce(u, id) {
      const a = await as(u);
      return outcomeOf(await h.call('POST', '/memory/reinforce', { key: a.key, body: { id, ...a.user } }), 'reinforce');
    },
    async summary(u, regenerate) {
      if (u === null) return null;
      const a = await as(u);
      const path = `/users/${encodeURIComponent(u)}/summary${regenerate ? '/regenerate' : ''}`;
      return expectOk(await h.call(regenerate ? 'POST' : 'GET', path, { key: a.key }), 'summary');
    },
    async count(u) {
      const a = await as(u);
      return expectOk(await h.call('GET', `/dashboard/stats?${qs(a.user)}`, { key: a.key }), 'stats').totalMemories;
    },
    async deleteUser(u) {
      if (u === null) return null;
      const a = await as(u);
      const deleted = expectOk(
        await h.call('DELETE', `/users/${encodeURIComponent(u)}/memories`, { key: a.key }),
        'delete user',
      ).deleted;
      // Erasing a user deletes its keys: it acts through a new one from now on.
      keys.delete(u);
      return deleted;
    },
    runJob: (job) => h.memory.runJob(job),
    async reset(u) {
      await h.memory.deleteUser(userScope(u));
      keys.delete(u);
    },
    settle: () => h.memory.settle(),
    fingerprints: (users) => userFingerprints(raw, users),
    // The harness logs nothing; job failures are caught by the engine property.
    drainLoggedErrors: () => [],
    integrity: () => integrity(raw),
  };
}
