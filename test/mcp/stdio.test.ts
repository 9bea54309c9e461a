/**
 * `openmemory mcp` as a real child process driven by the SDK's stdio client: stdout carries
 * only MCP frames (any stray log line would break the client), tools work for two users.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { tmpDir } from '../helpers/tmp.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/interfaces/cli/main.js');

type ToolAnswer = { isError?: boolean; structuredContent?: any };

describe('MCP over stdio (openmemory mcp)', () => {
  let tmp: ReturnType<typeof tmpDir>;
  let client: Client;
  let stderr = '';

  before(async () => {
    tmp = tmpDir('om-mcp-stdio-');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'mcp'],
      // Verbose logging on purpose: every line must go to stderr, not into the protocol stream.
      env: { PATH: process.env.PATH ?? '', OM_DB_PATH: path.join(tmp.dir, 'om.sqlite'), OM_LOG_LEVEL: 'debug' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
  });
  after(async () => {
    await client.close();
    tmp.cleanup();
  });

  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as ToolAnswer;

  test('lists the tools', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const n of [
      'openmemory_store',
      'openmemory_query',
      'openmemory_list',
      'openmemory_get',
      'openmemory_reinforce',
      'openmemory_delete',
      'openmemory_user_summary',
    ]) {
      assert.ok(names.includes(n), n);
    }
  });

  test('stores and queries for two users; user_id absent = default user', async () => {
    const a = await call('openmemory_store', { content: 'Alice collects vintage postcards', user_id: 'alice' });
    const b = await call('openmemory_store', { content: 'Bob collects rare vinyl records', user_id: 'bob' });
    const d = await call('openmemory_store', { content: 'The default user collects stamps' });
    assert.equal(d.structuredContent.user_id, null);
    const qa = await call('openmemory_query', { query: 'what does this person collect', user_id: 'alice' });
    assert.deepEqual(
      qa.structuredContent.matches.map((m: any) => m.id),
      [a.structuredContent.id],
    );
    const qb = await call('openmemory_query', { query: 'what does this person collect', user_id: 'bob' });
    assert.deepEqual(
      qb.structuredContent.matches.map((m: any) => m.id),
      [b.structuredContent.id],
    );
    const qd = await call('openmemory_query', { query: 'what does this person collect' });
    assert.deepEqual(
      qd.structuredContent.matches.map((m: any) => m.id),
      [d.structuredContent.id],
    );
  });

  test('logs went to stderr', () => {
    assert.match(stderr, /memory engine ready|mcp stdio server ready/);
  });
});
