/**
 * Reading a summary never writes: `GET /users/:id/summary` and the MCP tool openmemory_user_summary
 * for users who have nothing stored leave no user row behind, so the user does not appear in user
 * lists afterwards. On both backends, with the engine in process and on a worker thread (what
 * `serve` runs by default, OM_ENGINE_THREADS=1); the CLI's `users summary` is checked on SQLite.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import type { MemoryEngine } from '../../src/engine/api.js';
import { Memory } from '../../src/engine/memory.js';
import { startThreadedEngine } from '../../src/engine/thread/threaded-engine.js';
import type { KeyStore } from '../../src/interfaces/http/auth.js';
import { createApp } from '../../src/interfaces/http/app.js';
import { createLogger } from '../../src/log.js';
import { userScope } from '../../src/store/scope.js';
import { runCli } from '../cli/run.js';
import { freshPgSchema } from '../helpers/pg.js';
import { tmpDir } from '../helpers/tmp.js';

const ADMIN = 'summary-admin-key-0123456';

const DATABASES = {
  async sqlite() {
    const t = tmpDir('om-summary-');
    return { env: { OM_DB_PATH: path.join(t.dir, 'om.sqlite') }, drop: async () => t.cleanup() };
  },
  async postgres() {
    const s = await freshPgSchema('summary');
    return { env: { OM_METADATA_BACKEND: 'postgres', OM_PG_URL: s.url, OM_PG_SCHEMA: s.schema }, drop: s.drop };
  },
};

type Opened = { engine: MemoryEngine; keys: KeyStore };

async function openEngine(env: Record<string, string>, threaded: boolean): Promise<Opened> {
  if (threaded) {
    const engine = await startThreadedEngine(env, { threads: 1 });
    return { engine, keys: engine.keys };
  }
  const engine = await Memory.open({ config: loadConfig(env), jobs: false, logger: createLogger('silent') });
  return { engine, keys: engine.store };
}

for (const backend of ['sqlite', 'postgres'] as const) {
  for (const threaded of [false, true]) {
    const where = threaded ? 'on a worker thread' : 'in process';
    test(`reading summaries creates no user (${backend}, engine ${where})`, async () => {
      const db = await DATABASES[backend]();
      const env = { ...db.env, OM_API_KEY: ADMIN, OM_LOG_LEVEL: 'silent' };
      const { engine, keys } = await openEngine(env, threaded);
      try {
        const { app } = createApp({ engine, keys, config: loadConfig(env) });
        const headers = {
          authorization: `Bearer ${ADMIN}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        };
        await engine.add(userScope('alice'), { content: 'Alice keeps bees on the roof' });
        for (const user of ['newbie', '@default', 'alice']) {
          const r = await app.request(`/users/${user}/summary`, { headers });
          assert.equal(r.status, 200, user);
        }
        const mcp = await app.request('/mcp', {
          method: 'POST',
          headers,
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'tools/call',
            params: { name: 'openmemory_user_summary', arguments: { user_id: 'mcp-newbie' } },
          }),
        });
        assert.equal(mcp.status, 200);
        assert.equal(((await mcp.json()) as any).result.structuredContent.user_id, 'mcp-newbie');
        // The list reads the users table as well as the memories: a row written by a read would show here.
        assert.deepEqual(await engine.adminListUsers(), ['alice']);
      } finally {
        await engine.close();
        await db.drop();
      }
    });
  }
}

describe('CLI', () => {
  test('`users summary` of an unknown user leaves `users list` empty', async () => {
    const t = tmpDir('om-summary-cli-');
    try {
      const env = { OM_DB_PATH: path.join(t.dir, 'om.sqlite'), OM_LOG_LEVEL: 'silent' };
      const s = await runCli(['users', 'summary', 'newbie', '--json'], env);
      assert.equal(s.code, 0, s.stderr);
      assert.equal(s.json().user_id, 'newbie');
      const list = await runCli(['users', 'list', '--json'], env);
      assert.deepEqual(list.json(), []);
    } finally {
      t.cleanup();
    }
  });
});
