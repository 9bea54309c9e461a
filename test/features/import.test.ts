/**
 * Importers against local servers speaking each service's list API, on both backends: every
 * memory arrives under the chosen user with its original time and the service's id in its
 * metadata; a rerun imports nothing twice; a 429 is waited out for as long as Retry-After says;
 * an import that stops half-way resumes at the page after the last one written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Checkpoint, CheckpointState } from '../../src/features/import/checkpoint.js';
import { PROVIDERS } from '../../src/features/import/providers.js';
import { importedId, runImport } from '../../src/features/import/runner.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, type OpenedEngine } from '../engine/backends.js';
import {
  RATE_LIMITED,
  SERVICE_KEY,
  SOURCE_MEMORIES,
  SOURCE_USER,
  startService,
  type ServiceName,
} from './import-services.js';

/** A checkpoint held in memory, keeping what was saved for the test to read. */
function memoryCheckpoint(): Checkpoint & { state: CheckpointState | null; saves: number } {
  const c = {
    state: null as CheckpointState | null,
    saves: 0,
    load: () => c.state,
    save: (s: CheckpointState) => {
      c.state = s;
      c.saves++;
    },
    clear: () => void (c.state = null),
  };
  return c;
}

/** `--from` name → the name kept in `metadata.imported_from`. */
const SOURCE_NAMES: Record<ServiceName, string> = {
  mem0: 'mem0',
  zep: 'zep',
  supermemory: 'supermemory',
  'openmemory-url': 'openmemory',
};
const SERVICES = Object.keys(SOURCE_NAMES) as ServiceName[];

for (const backend of BACKENDS) {
  describe(`import from other services (${backend.name})`, () => {
    let e: OpenedEngine;
    before(async () => (e = await backend.open()));
    after(() => e.cleanup());

    for (const name of SERVICES) {
      test(`${name}: every memory with its time and source id; a rerun adds nothing; a 429 is waited out`, async () => {
        const server = await startService(name);
        const sleeps: number[] = [];
        const scope = userScope(`to-${name}`);
        const run = () =>
          runImport({
            source: PROVIDERS[name]!.create({
              baseUrl: server.url,
              apiKey: SERVICE_KEY,
              user: SOURCE_USER,
              pageSize: 3,
              sleep: async (ms) => void sleeps.push(ms),
            }),
            target: e.memory,
            scope,
            checkpoint: memoryCheckpoint(),
            key: name,
          });
        try {
          server.failNext(1, RATE_LIMITED);
          const first = await run();
          assert.deepEqual(first, { imported: 7, skipped: 0, rejected: 0, resumed: false });
          assert.deepEqual(sleeps, [1000], 'Retry-After: 1 is waited for once');
          const stored = await e.memory.list(scope, { limit: 100 });
          assert.deepEqual(stored.map((m) => m.content).sort(), SOURCE_MEMORIES.map((m) => m.content).sort());
          for (const src of SOURCE_MEMORIES) {
            const m = stored.find((x) => x.content === src.content)!;
            assert.equal(m.metadata.imported_from, SOURCE_NAMES[name]);
            assert.equal(
              m.id,
              importedId(SOURCE_NAMES[name], scope, src.id),
              'the id follows from the source id: a rerun finds it',
            );
            assert.equal(m.created_at, src.created);
            assert.equal(m.metadata.source_id, src.id);
            assert.equal(m.metadata.origin, 'chat');
          }
          const again = await run();
          assert.deepEqual(again, { imported: 0, skipped: 7, rejected: 0, resumed: false });
          assert.equal((await e.memory.list(scope, { limit: 100 })).length, 7);
        } finally {
          await server.close();
        }
      });
    }

    test('an import cut off after two pages resumes at the third; nothing is read or written twice', async () => {
      const server = await startService('mem0');
      const scope = userScope('resumer');
      const checkpoint = memoryCheckpoint();
      const run = (key = 'mem0 resumer') =>
        runImport({
          source: PROVIDERS.mem0!.create({
            baseUrl: server.url,
            apiKey: SERVICE_KEY,
            user: SOURCE_USER,
            pageSize: 2,
            sleep: async () => {},
          }),
          target: e.memory,
          scope,
          checkpoint,
          key,
        });
      try {
        server.failAfter(2, { status: 400, body: { detail: 'the service broke' } });
        await assert.rejects(run(), /mem0 at 127\.0\.0\.1:\d+: failed \(HTTP 400/);
        assert.equal((await e.memory.list(scope)).length, 4);
        assert.deepEqual(checkpoint.state, {
          import: 'mem0 resumer',
          cursor: '3',
          imported: 4,
          skipped: 0,
          rejected: 0,
        });
        await assert.rejects(run('zep elsewhere'), /is of another import/);
        server.heal();
        const before = server.requests.length;
        const resumed = await run();
        assert.deepEqual(resumed, { imported: 7, skipped: 0, rejected: 0, resumed: true });
        assert.deepEqual(
          server.requests.slice(before).map((r) => new URL(r.path, 'http://x').searchParams.get('page')),
          ['3', '4'],
        );
        assert.equal(checkpoint.state, null, 'a completed import leaves no checkpoint');
        assert.equal((await e.memory.list(scope, { limit: 100 })).length, 7);
      } finally {
        await server.close();
      }
    });

    test('a wrong key fails naming the service and writes nothing', async () => {
      const server = await startService('zep');
      try {
        const scope = userScope('wrong-key');
        await assert.rejects(
          runImport({
            source: PROVIDERS.zep!.create({ baseUrl: server.url, apiKey: 'nope', user: SOURCE_USER, pageSize: 3 }),
            target: e.memory,
            scope,
            checkpoint: memoryCheckpoint(),
            key: 'zep',
          }),
          (err: Error) => /zep at .*rejected the API key \(HTTP 401/.test(err.message) && !err.message.includes('nope'),
        );
        assert.equal((await e.memory.list(scope)).length, 0);
      } finally {
        await server.close();
      }
    });
  });
}
