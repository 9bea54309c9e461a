/**
 * The isolation subject over the MCP tools (SDK client over linked in-memory transports): one
 * MCP session per user with a user caller, the last named user through an admin session naming
 * it. MCP has no update, count or delete-user tool: update goes to the engine directly (it is
 * still checked), count and delete-user are skipped.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/interfaces/mcp/server.js';
import { createLogger } from '../../src/log.js';
import { userScope } from '../../src/store/scope.js';
import { engineSubject, type OpenedDb } from './engine-subject.js';
import type { Outcome, Subject, User } from './subject.js';

type ToolAnswer = { isError?: boolean; structuredContent?: any; content: Array<{ type: string; text?: string }> };

export function mcpSubject(db: OpenedDb, name: string): Subject & { close(): Promise<void> } {
  const engine = engineSubject(db, name);
  const sessions = new Map<User, Client>();
  const viaAdmin = (u: User): boolean => u?.endsWith('_u2') === true;
  const log = createLogger('silent');

  async function session(u: User): Promise<{ client: Client; named: Record<string, string> }> {
    const key = viaAdmin(u) ? '#admin' : u;
    let client = sessions.get(key);
    if (!client) {
      const caller = viaAdmin(u)
        ? ({ role: 'admin', keyId: 'admin' } as const)
        : ({ role: 'user', scope: userScope(u), keyId: `k-${u}` } as const);
      const server = createMcpServer({ engine: db.memory, caller, log });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      client = new Client({ name: 'isolation', version: '1.0.0' });
      await client.connect(clientSide);
      sessions.set(key, client);
    }
    return { client, named: viaAdmin(u) ? { user_id: u! } : {} };
  }

  async function tool(u: User, toolName: string, args: Record<string, unknown>): Promise<Outcome<any>> {
    const s = await session(u);
    const r = (await s.client.callTool({ name: toolName, arguments: { ...args, ...s.named } })) as ToolAnswer;
    if (!r.isError) return { ok: true, value: r.structuredContent };
    const code = r.structuredContent?.error;
    if (code === 'not_found' || code === 'validation_error') return { ok: false, code };
    throw new Error(`${toolName}: ${r.content.map((c) => c.text).join(' ')}`);
  }

  async function must(u: User, toolName: string, args: Record<string, unknown>): Promise<any> {
    const r = await tool(u, toolName, args);
    if (!r.ok) throw new Error(`${toolName}: refused with ${r.code}`);
    return r.value;
  }

  return {
    ...engine,
    name,
    add: async (u, content, tags) => {
      const r = await must(u, 'openmemory_store', { content, tags });
      return { id: r.id, deduplicated: r.deduplicated === true };
    },
    query: async (u, text, k) => (await must(u, 'openmemory_query', { query: text, k })).matches,
    page: async (u, limit, offset) => (await must(u, 'openmemory_list', { limit, offset })).items,
    get: (u, id) => tool(u, 'openmemory_get', { id }),
    delete: (u, id) => tool(u, 'openmemory_delete', { id }),
    reinforce: (u, id) => tool(u, 'openmemory_reinforce', { id }),
    summary: async (u) => must(u, 'openmemory_user_summary', {}),
    count: async () => null,
    deleteUser: async () => null,
    close: async () => {
      for (const c of sessions.values()) await c.close();
    },
  };
}
