/**
 * MCP over streamable HTTP at /mcp on a listening server, driven by the SDK client: the admin key
 * names any user, a user key is fixed to its user, a bad key gets no MCP at all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Memory } from '../../src/engine/memory.js';
import { createUserKey } from '../../src/interfaces/http/auth.js';
import { userScope } from '../../src/store/scope.js';
import { listeningServer, type ListeningServer } from '../helpers/listening-server.js';

const ADMIN = 'mcp-admin-key-0123456789';

type ToolAnswer = { isError?: boolean; structuredContent?: any };

describe('MCP over HTTP (/mcp)', () => {
  let server: ListeningServer;
  let memory: Memory;
  let aliceKey: string;

  const connect = async (key: string): Promise<Client> => {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    });
    const client = new Client({ name: 'http-test', version: '1.0.0' });
    await client.connect(transport);
    return client;
  };
  const call = async (c: Client, name: string, args: Record<string, unknown>) =>
    (await c.callTool({ name, arguments: args })) as ToolAnswer;

  before(async () => {
    server = await listeningServer(ADMIN);
    memory = server.memory;
    aliceKey = (await createUserKey(memory.store, 'alice', 'test')).key;
  });
  after(() => server.close());

  test('admin key: tools listed, stores and queries for two users', async () => {
    const admin = await connect(ADMIN);
    try {
      assert.ok((await admin.listTools()).tools.some((t) => t.name === 'openmemory_user_summary'));
      const a = await call(admin, 'openmemory_store', {
        content: 'Alice sails a small boat on the lake',
        user_id: 'alice',
      });
      const b = await call(admin, 'openmemory_store', {
        content: 'Bob repairs old bicycles in his shed',
        user_id: 'bob',
      });
      const qa = await call(admin, 'openmemory_query', { query: 'boat on the lake', user_id: 'alice' });
      assert.deepEqual(
        qa.structuredContent.matches.map((m: any) => m.id),
        [a.structuredContent.id],
      );
      const qb = await call(admin, 'openmemory_query', { query: 'boat on the lake', user_id: 'bob' });
      assert.deepEqual(
        qb.structuredContent.matches.map((m: any) => m.id),
        [b.structuredContent.id],
      );
    } finally {
      await admin.close();
    }
  });

  test("user key: acts as its user, cannot name another, cannot read another's memory", async () => {
    const alice = await connect(aliceKey);
    try {
      const own = await call(alice, 'openmemory_query', { query: 'boat' });
      assert.equal(own.structuredContent.matches.length, 1);
      const stored = await call(alice, 'openmemory_store', { content: 'Alice also paints watercolours' });
      assert.equal(stored.structuredContent.user_id, 'alice');
      const denied = await call(alice, 'openmemory_list', { user_id: 'bob' });
      assert.equal(denied.structuredContent.error, 'forbidden');
      const bobId = (await memory.list(userScope('bob')))[0]!.id;
      assert.equal((await call(alice, 'openmemory_delete', { id: bobId })).structuredContent.error, 'not_found');
      assert.equal((await memory.list(userScope('bob'))).length, 1);
    } finally {
      await alice.close();
    }
  });

  test('no key or a wrong key: refused before MCP; GET is 405', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const none = await fetch(`${server.url}/mcp`, { method: 'POST', headers, body });
    assert.equal(none.status, 401);
    assert.deepEqual(await none.json(), { error: 'authentication_required', message: 'API key required' });
    const wrong = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer nope' },
      body,
    });
    assert.equal(wrong.status, 403);
    assert.deepEqual(await wrong.json(), { error: 'invalid_api_key', message: 'API key is invalid or revoked' });
    const get = await fetch(`${server.url}/mcp`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal(((await get.json()) as { error: string }).error, 'method_not_allowed');
    const bad = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${ADMIN}` },
      body: '{oops',
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: number } }).error.code, -32600);
  });
});
