/**
 * `openmemory mcp` spoken to as raw JSON-RPC lines, the way a pipelining client does: requests
 * take effect in the order sent, a bad line gets a JSON-RPC error, and a session can be pinned to one user.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tmpDir } from '../helpers/tmp.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/interfaces/cli/main.js');

interface Session {
  replies: any[];
  stderr: string;
}

/** Writes every line at once, closes stdin, and collects every reply until the process ends. */
function session(dbPath: string, args: string[], lines: string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'mcp', ...args], {
      env: { PATH: process.env.PATH ?? '', OM_DB_PATH: dbPath, OM_LOG_LEVEL: 'warn' },
    });
    let out = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', () =>
      resolve({
        replies: out
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
        stderr,
      }),
    );
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

const init = [
  JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  }),
  JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
];
const tool = (id: number, name: string, args: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

describe('MCP stdio as raw lines', () => {
  let tmp: ReturnType<typeof tmpDir>;
  before(() => {
    tmp = tmpDir('om-mcp-raw-');
  });
  after(() => tmp.cleanup());

  test('pipelined requests are answered in the order sent, and each sees the writes before it', async () => {
    const lines = [...init];
    for (let i = 1; i <= 6; i++) {
      lines.push(
        tool(2 * i - 1, 'openmemory_store', {
          content: `Erin planted tree number ${i} in the orchard`,
          user_id: 'erin',
        }),
      );
      lines.push(tool(2 * i, 'openmemory_list', { user_id: 'erin', limit: 50 }));
    }
    const { replies, stderr } = await session(path.join(tmp.dir, 'order.sqlite'), [], lines);
    assert.match(stderr, /openmemory mcp: serving MCP on stdin\/stdout for any user \(admin\)/);
    assert.deepEqual(
      replies.map((r) => r.id),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    for (let i = 1; i <= 6; i++) {
      const listed = replies.find((r) => r.id === 2 * i).result.structuredContent;
      const count = (listed.items ?? listed.memories ?? listed).length;
      assert.equal(count, i, `the list after store ${i} sees ${i} memories`);
    }
  });

  test('a line that is not JSON gets a parse error, an invalid message an invalid-request error, and the session goes on', async () => {
    const { replies } = await session(
      path.join(tmp.dir, 'bad.sqlite'),
      [],
      [...init, 'this is not json', '{"hello": "world", "id": 7}', tool(8, 'openmemory_list', {})],
    );
    assert.deepEqual(replies.find((r) => r.id === null)?.error?.code, -32700);
    assert.deepEqual(replies.find((r) => r.id === 7)?.error?.code, -32600);
    assert.ok(replies.find((r) => r.id === 8)?.result, 'a good request after bad lines is answered');
  });

  test('--user pins the session: naming another user is refused', async () => {
    const db = path.join(tmp.dir, 'pinned.sqlite');
    const { replies, stderr } = await session(
      db,
      ['--user', 'frank'],
      [
        ...init,
        tool(1, 'openmemory_store', { content: 'Frank sails on weekends' }),
        tool(2, 'openmemory_store', { content: 'Grace knits scarves', user_id: 'grace' }),
        tool(3, 'openmemory_list', { user_id: 'frank' }),
      ],
    );
    assert.match(stderr, /for user frank/);
    assert.equal(replies.find((r) => r.id === 1).result.structuredContent.user_id, 'frank');
    assert.equal(replies.find((r) => r.id === 2).result.isError, true);
    assert.match(JSON.stringify(replies.find((r) => r.id === 2).result), /forbidden/);
    const bad = await session(db, ['--api-key', 'om_not_a_key'], init);
    assert.match(bad.stderr, /invalid_api_key: API key is invalid or revoked/);
  });
});
