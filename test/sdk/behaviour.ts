/**
 * One behaviour suite for every implementation of the SDK's MemoryApi: the embedded engine and
 * the remote client against a listening server must be indistinguishable to a caller.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OmError, type MemoryApi } from '../../src/sdk/index.js';

export interface SdkFactory {
  name: string;
  open(): Promise<{ api: MemoryApi; cleanup: () => Promise<void> }>;
}

const code = (c: string) => (err: unknown) => err instanceof OmError && err.code === c;

export function sdkBehaviour(factory: SdkFactory): void {
  describe(`SDK behaviour (${factory.name})`, () => {
    let api: MemoryApi;
    let cleanup: () => Promise<void>;
    before(async () => ({ api, cleanup } = await factory.open()));
    after(async () => cleanup());

    test('add and search stay within the user', async () => {
      const a = await api.add('Alice grows tomatoes on her balcony', {
        user_id: 'alice',
        tags: ['garden'],
        metadata: { src: 'test' },
      });
      const b = await api.add('Bob grows chillies in his greenhouse', { user_id: 'bob' });
      assert.equal(typeof a.id, 'string');
      const ra = await api.search('what does she grow', { user_id: 'alice' });
      assert.deepEqual(
        ra.matches.map((m) => m.id),
        [a.id],
      );
      const rb = await api.query('what does he grow', { user_id: 'bob', k: 3 });
      assert.deepEqual(
        rb.matches.map((m) => m.id),
        [b.id],
      );
      assert.deepEqual((await api.search('grows', {})).matches, []);
    });

    test('history: every change by hand, kept after the delete, not_found for other users', async () => {
      const { id } = await api.add('Dan repairs old radios in his shed', { user_id: 'dan' });
      await api.update(id, { user_id: 'dan', tags: ['radio'] });
      await api.delete(id, { user_id: 'dan' });
      const h = await api.history(id, { user_id: 'dan' });
      assert.deepEqual(
        h.map((e) => e.event),
        ['add', 'update', 'delete'],
      );
      assert.equal(h[2]!.previous_content, 'Dan repairs old radios in his shed');
      await assert.rejects(api.history(id, { user_id: 'alice' }), code('not_found'));
    });

    test('get, list, update, reinforce, delete; other users see not_found', async () => {
      const { id } = await api.add('Carol runs a marathon every spring', { user_id: 'carol', salience: 0.5 });
      const m = await api.get(id, { user_id: 'carol' });
      assert.equal(m.content, 'Carol runs a marathon every spring');
      assert.equal(m.user_id, 'carol');
      await assert.rejects(api.get(id, { user_id: 'alice' }), code('not_found'));
      assert.deepEqual(
        (await api.list({ user_id: 'carol' })).map((x) => x.id),
        [id],
      );
      const updated = await api.update(id, { user_id: 'carol', tags: ['sport'], metadata: { km: 42 } });
      assert.deepEqual(updated.tags, ['sport']);
      assert.deepEqual(updated.metadata, { km: 42 });
      await assert.rejects(api.update(id, { user_id: 'alice', tags: ['x'] }), code('not_found'));
      const salience = await api.reinforce(id, { user_id: 'carol', boost: 0.2 });
      assert.ok(salience > 0.5 && salience <= 1);
      await assert.rejects(api.reinforce(id, { user_id: 'bob' }), code('not_found'));
      await assert.rejects(api.delete(id, { user_id: 'bob' }), code('not_found'));
      await api.delete(id, { user_id: 'carol' });
      await assert.rejects(api.get(id, { user_id: 'carol' }), code('not_found'));
    });

    test('invalid input is a validation_error and stores nothing', async () => {
      await assert.rejects(api.add('   ', { user_id: 'dave' }), code('validation_error'));
      await assert.rejects(api.search('x', { user_id: 'dave', k: 0 }), code('validation_error'));
      assert.deepEqual(await api.list({ user_id: 'dave' }), []);
    });

    test('user summary and deleteUser act on one user only', async () => {
      await api.add('Erin studies Japanese in the evenings', { user_id: 'erin' });
      const s = await api.userSummary('erin');
      assert.equal(s.user_id, 'erin');
      assert.equal(typeof s.summary, 'string');
      const regenerated = await api.regenerateUserSummary('erin');
      assert.equal(regenerated.user_id, 'erin');
      const counts = await api.deleteUser('erin');
      assert.equal(counts.memories, 1);
      assert.deepEqual(await api.list({ user_id: 'erin' }), []);
      assert.equal((await api.list({ user_id: 'alice' })).length, 1);
    });

    test('the default user: no user id (or @default) everywhere, summary included', async () => {
      const { id } = await api.add('The office wifi password is on the fridge');
      assert.equal((await api.get(id)).user_id, null);
      assert.deepEqual(
        (await api.list({ user_id: '@default' })).map((m) => m.id),
        [id],
      );
      const s = await api.userSummary();
      assert.equal(s.user_id, null);
      assert.match(s.summary, /1 memories/);
      assert.deepEqual(Object.keys(await api.regenerateUserSummary(null)).sort(), [
        'reflection_count',
        'summary',
        'updated_at',
        'user_id',
      ]);
      assert.equal((await api.deleteUser()).memories, 1);
      assert.deepEqual(await api.list(), []);
    });

    test('API keys: create, list without secrets, revoke', async () => {
      const k = await api.createApiKey('alice', 'laptop');
      assert.match(k.key, /^om_/);
      assert.equal(k.user_id, 'alice');
      const listed = (await api.listApiKeys()).find((x) => x.id === k.id)!;
      assert.equal(listed.label, 'laptop');
      assert.equal(listed.revoked_at, null);
      assert.ok(!JSON.stringify(listed).includes(k.key));
      await api.revokeApiKey(k.id);
      assert.notEqual((await api.listApiKeys()).find((x) => x.id === k.id)!.revoked_at, null);
      await assert.rejects(api.revokeApiKey('no-such-key'), code('not_found'));
    });
  });
}
