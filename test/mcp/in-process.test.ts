/**
 * The MCP server driven by the SDK's own client over linked in-memory transports, on both
 * backends: tools, their schemas, per-user results, and the key rules.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer, type McpServerOptions } from '../../src/interfaces/mcp/server.js';
import { createLogger } from '../../src/log.js';
import { userScope } from '../../src/store/scope.js';
import { BACKENDS, type OpenedEngine } from '../engine/backends.js';

const TOOLS = [
  'openmemory_delete',
  'openmemory_get',
  'openmemory_history',
  'openmemory_list',
  'openmemory_query',
  'openmemory_reinforce',
  'openmemory_store',
  'openmemory_temporal_fact_compare',
  'openmemory_temporal_fact_create',
  'openmemory_temporal_fact_query',
  'openmemory_temporal_timeline',
  'openmemory_user_summary',
];

async function connect(opened: OpenedEngine, caller: McpServerOptions['caller']): Promise<Client> {
  const server = createMcpServer({ engine: opened.memory, caller, log: createLogger('silent') });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

type ToolAnswer = { isError?: boolean; structuredContent?: any; content: Array<{ type: string; text?: string }> };

const textOf = (r: { contents: Array<Record<string, unknown>> }) => String(r.contents[0]!.text);

const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolAnswer;

for (const backend of BACKENDS) {
  describe(`MCP in-process (${backend.name})`, () => {
    let opened: OpenedEngine;
    let admin: Client;

    before(async () => {
      opened = await backend.open();
      admin = await connect(opened, { role: 'admin', keyId: null });
    });
    after(async () => {
      await admin.close();
      await opened.cleanup();
    });

    test('lists the OpenMemory tools with the HTTP schemas', async () => {
      const { tools } = await admin.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
      const store = tools.find((t) => t.name === 'openmemory_store')!;
      assert.deepEqual((store.inputSchema.required ?? []).sort(), ['content']);
      assert.ok(
        store.inputSchema.properties &&
          'user_id' in store.inputSchema.properties &&
          'tags' in store.inputSchema.properties,
      );
      const query = tools.find((t) => t.name === 'openmemory_query')!;
      assert.ok(query.inputSchema.properties && 'filters' in query.inputSchema.properties);
    });

    test('temporal facts per user: create closes the current one, query as of a time, timeline, compare', async () => {
      const paris = await call(admin, 'openmemory_temporal_fact_create', {
        subject: 'Ann',
        predicate: 'lives_in',
        object: 'Paris',
        valid_from: '2020-01-01',
        user_id: 'ann',
      });
      assert.equal(paris.isError, undefined, paris.content[0]?.text);
      await call(admin, 'openmemory_temporal_fact_create', {
        subject: 'Ann',
        predicate: 'lives_in',
        object: 'Rome',
        valid_from: Date.parse('2022-01-01'),
        user_id: 'ann',
      });
      const then = await call(admin, 'openmemory_temporal_fact_query', {
        subject: 'Ann',
        at: '2021-01-01',
        user_id: 'ann',
      });
      assert.deepEqual(
        then.structuredContent.facts.map((f: any) => f.object),
        ['Paris'],
      );
      assert.deepEqual(
        (await call(admin, 'openmemory_temporal_fact_query', { subject: 'Ann' })).structuredContent.facts,
        [],
        'the default user has none',
      );
      const tl = await call(admin, 'openmemory_temporal_timeline', { subject: 'Ann', user_id: 'ann' });
      assert.deepEqual(
        tl.structuredContent.timeline.map((e: any) => e.change_type),
        ['created', 'invalidated', 'created'],
      );
      const cmp = await call(admin, 'openmemory_temporal_fact_compare', {
        subject: 'Ann',
        time1: '2021-01-01',
        time2: '2023-01-01',
        user_id: 'ann',
      });
      assert.equal(cmp.structuredContent.summary.changed, 1);
      const bad = await call(admin, 'openmemory_temporal_fact_query', { subject: 'Ann', at: 'soon', user_id: 'ann' });
      assert.equal(bad.isError, true);
    });

    test('stores and queries per user; one user never sees the other', async () => {
      const a = await call(admin, 'openmemory_store', {
        content: 'Alice drinks green tea every morning',
        user_id: 'alice',
        tags: ['tea'],
      });
      const b = await call(admin, 'openmemory_store', {
        content: 'Bob drinks black coffee every morning',
        user_id: 'bob',
      });
      assert.equal(a.isError, undefined);
      assert.equal(a.structuredContent.user_id, 'alice');
      assert.match(a.content[0]!.text!, /Stored memory/);

      const qa = await call(admin, 'openmemory_query', {
        query: 'what does she drink in the morning',
        user_id: 'alice',
        k: 5,
      });
      assert.deepEqual(
        qa.structuredContent.matches.map((m: any) => m.id),
        [a.structuredContent.id],
      );
      assert.match(qa.content[0]!.text!, /1\. \[/);
      const qb = await call(admin, 'openmemory_query', { query: 'green tea', filters: { user_id: 'bob' } });
      assert.deepEqual(
        qb.structuredContent.matches.map((m: any) => m.id),
        [b.structuredContent.id],
      );
      const v12 = await call(admin, 'openmemory_query', { query: 'green tea', user_id: 'alice', sector: 'reflective' });
      assert.deepEqual(v12.structuredContent.matches, [], 'v1.2 top-level sector filters');
      const none = await call(admin, 'openmemory_query', { query: 'green tea' });
      assert.deepEqual(none.structuredContent.matches, []);
      assert.equal(none.content[0]!.text, 'No memories matched the supplied query.');

      const listed = await call(admin, 'openmemory_list', { user_id: 'alice' });
      assert.deepEqual(
        listed.structuredContent.items.map((m: any) => m.id),
        [a.structuredContent.id],
      );
      const got = await call(admin, 'openmemory_get', { id: a.structuredContent.id, user_id: 'alice' });
      assert.equal(got.structuredContent.content, 'Alice drinks green tea every morning');
      assert.deepEqual(got.structuredContent.tags, ['tea']);
      const foreign = await call(admin, 'openmemory_get', { id: a.structuredContent.id, user_id: 'bob' });
      assert.equal(foreign.isError, true);
      assert.equal(foreign.structuredContent.error, 'not_found');
    });

    test('reinforce, summary and delete act inside the named user', async () => {
      const stored = await call(admin, 'openmemory_store', {
        content: 'Carol plays the cello on Sundays',
        user_id: 'carol',
        salience: 0.5,
      });
      const id = stored.structuredContent.id;
      const r = await call(admin, 'openmemory_reinforce', { id, boost: 0.2, user_id: 'carol' });
      assert.ok(r.structuredContent.salience > 0.5);
      const wrongUser = await call(admin, 'openmemory_reinforce', { id, user_id: 'alice' });
      assert.equal(wrongUser.structuredContent.error, 'not_found');
      const summary = await call(admin, 'openmemory_user_summary', { user_id: 'carol' });
      assert.equal(summary.structuredContent.user_id, 'carol');
      assert.equal(typeof summary.structuredContent.summary, 'string');
      assert.equal(
        (await call(admin, 'openmemory_delete', { id, user_id: 'alice' })).structuredContent.error,
        'not_found',
      );
      assert.equal((await call(admin, 'openmemory_delete', { id, user_id: 'carol' })).structuredContent.ok, true);
      assert.equal((await opened.memory.list(userScope('carol'))).length, 0);
      const history = await call(admin, 'openmemory_history', { id, user_id: 'carol' });
      assert.deepEqual(
        history.structuredContent.history.map((e: any) => [e.event, e.actor]),
        [
          ['add', 'local'],
          ['reinforce', 'local'],
          ['delete', 'local'],
        ],
      );
      assert.match(
        history.content[0]!.text!,
        /add by local: Carol plays the cello on Sundays\n.*reinforce by local .*\n.*delete by local \(was: Carol/,
      );
      assert.equal(
        (await call(admin, 'openmemory_history', { id, user_id: 'alice' })).structuredContent.error,
        'not_found',
      );
    });

    test('invalid arguments are refused by the shared schema and change nothing', async () => {
      const before = await opened.memory.list(userScope('dave'));
      const bad = await call(admin, 'openmemory_store', { content: '', user_id: 'dave' });
      assert.equal(bad.isError, true);
      const badK = await call(admin, 'openmemory_query', { query: 'x', k: 1000 });
      assert.equal(badK.isError, true);
      assert.deepEqual(await opened.memory.list(userScope('dave')), before);
    });

    test('a user key fixes the user: no user_id means its own, another user_id is forbidden', async () => {
      const client = await connect(opened, { role: 'user', scope: userScope('erin'), keyId: 'k1' });
      try {
        const own = await call(client, 'openmemory_store', { content: 'Erin keeps bees in the garden' });
        assert.equal(own.structuredContent.user_id, 'erin');
        const same = await call(client, 'openmemory_list', { user_id: 'erin' });
        assert.equal(same.structuredContent.items.length, 1);
        for (const [name, args] of [
          ['openmemory_store', { content: 'sneaky', user_id: 'alice' }],
          ['openmemory_query', { query: 'tea', user_id: 'alice' }],
          ['openmemory_query', { query: 'tea', filters: { user_id: 'alice' } }],
          ['openmemory_list', { user_id: 'alice' }],
          ['openmemory_user_summary', { user_id: null }],
        ] as const) {
          const denied = await call(client, name, args);
          assert.equal(denied.isError, true, name);
          assert.equal(denied.structuredContent.error, 'forbidden', name);
        }
        const aliceIds = (await opened.memory.list(userScope('alice'))).map((m) => m.id);
        const get = await call(client, 'openmemory_get', { id: aliceIds[0]! });
        assert.equal(get.structuredContent.error, 'not_found');
        assert.equal(
          (await call(client, 'openmemory_history', { id: aliceIds[0]! })).structuredContent.error,
          'not_found',
        );
        const mine = await call(client, 'openmemory_history', { id: own.structuredContent.id });
        assert.deepEqual(
          mine.structuredContent.history.map((e: any) => e.actor),
          ['k1'],
        );
        assert.equal((await opened.memory.list(userScope('alice'))).length, 1);
      } finally {
        await client.close();
      }
    });

    test('resources: own and named summaries and memories, scoped like the tools', async () => {
      const { resources } = await admin.listResources();
      const uris = resources.map((r) => r.uri);
      assert.ok(uris.includes('openmemory://user/summary'));
      assert.ok(uris.includes('openmemory://config'));
      const config = JSON.parse(textOf(await admin.readResource({ uri: 'openmemory://config' })));
      assert.deepEqual([...config.available_tools].sort(), TOOLS);
      assert.equal(config.sectors.semantic.decay_lambda, 0.005);
      assert.ok(uris.includes('openmemory://users/alice/memories'));
      const mem = await admin.readResource({ uri: 'openmemory://users/alice/memories' });
      const body = JSON.parse(textOf(mem));
      assert.equal(body.user_id, 'alice');
      assert.equal(body.items.length, 1);

      const client = await connect(opened, { role: 'user', scope: userScope('erin'), keyId: 'k1' });
      try {
        const listed = (await client.listResources()).resources.map((r) => r.uri);
        assert.ok(!listed.some((u) => u.includes('alice')));
        const own = JSON.parse(textOf(await client.readResource({ uri: 'openmemory://user/memories' })));
        assert.equal(own.user_id, 'erin');
        await assert.rejects(client.readResource({ uri: 'openmemory://users/alice/summary' }), /own user/);
      } finally {
        await client.close();
      }
    });

    test('the default user is named @default in resource URIs, for the admin and for its own key', async () => {
      await call(admin, 'openmemory_store', { content: 'The default user keeps the office plant alive' });
      assert.ok(
        (await admin.listResources()).resources.some((r) => r.uri === 'openmemory://users/%40default/memories'),
      );
      const client = await connect(opened, { role: 'user', scope: userScope(null), keyId: 'k0' });
      try {
        assert.deepEqual(
          (await client.listResources()).resources
            .map((r) => r.uri)
            .filter((u) => u.startsWith('openmemory://users/'))
            .sort(),
          ['openmemory://users/%40default/memories', 'openmemory://users/%40default/summary'],
        );
        const mems = JSON.parse(textOf(await client.readResource({ uri: 'openmemory://users/%40default/memories' })));
        assert.equal(mems.user_id, null);
        assert.ok(mems.items.length >= 1 && mems.items.every((m: any) => m.user_id === null));
        await assert.rejects(client.readResource({ uri: 'openmemory://users/alice/memories' }), /own user/);
      } finally {
        await client.close();
      }
    });
  });
}
