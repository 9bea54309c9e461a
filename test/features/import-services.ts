/**
 * Local servers speaking the list APIs importers read: mem0 (v2 paginated), Zep (user sessions,
 * then session messages by cursor), Supermemory (v3 documents list) and OpenMemory v1.2
 * (`/memory/all`). Each checks its auth header (401 otherwise) and serves one user's memories.
 */
import { startFakeServer, type FakeServer, type Recorded, type Reply } from '../embed/fake-server.js';

export const SERVICE_KEY = 'svc-key-123';
export const SOURCE_USER = 'src-user';
/** Seven memories a service holds, oldest first; every one a distinct fact. */
export const SOURCE_MEMORIES = [
  'Prefers aisle seats on short flights',
  'Allergic to shellfish since childhood',
  'Runs five kilometres every Tuesday morning',
  'Works as a marine biologist in Lisbon',
  'Has a grey cat called Pepper',
  'Learning to play the cello this year',
  'Drinks oolong tea without sugar',
].map((content, i) => ({ id: `src-${i + 1}`, content, created: Date.UTC(2024, 0, 1 + i, 9) }));

export type ServiceName = 'mem0' | 'zep' | 'supermemory' | 'openmemory-url';

const iso = (ms: number) => new Date(ms).toISOString();
const ok = (body: unknown): Reply => ({ status: 200, body });
const denied: Reply = { status: 401, body: { detail: 'invalid api key' } };

function query(path: string): URLSearchParams {
  return new URL(path, 'http://x').searchParams;
}

function mem0(req: Recorded): Reply {
  if (req.headers.authorization !== `Token ${SERVICE_KEY}`) return denied;
  if (req.method !== 'POST' || !req.path.startsWith('/v2/memories/') || req.json?.filters?.user_id !== SOURCE_USER)
    return ok({ count: 0, next: null, results: [] });
  const q = query(req.path);
  const page = Number(q.get('page'));
  const size = Number(q.get('page_size'));
  const results = SOURCE_MEMORIES.slice((page - 1) * size, page * size).map((m) => ({
    id: m.id,
    memory: m.content,
    user_id: SOURCE_USER,
    categories: ['personal'],
    metadata: { origin: 'chat' },
    created_at: iso(m.created),
    updated_at: iso(m.created + 1000),
  }));
  const next = page * size < SOURCE_MEMORIES.length ? `http://mem0/v2/memories/?page=${page + 1}` : null;
  return ok({ count: SOURCE_MEMORIES.length, next, previous: null, results });
}

/** Two sessions, listed newest first: the importer orders them itself. */
const SESSIONS = [
  { session_id: 'sess-b', created_at: iso(Date.UTC(2024, 0, 5)), memories: SOURCE_MEMORIES.slice(4) },
  { session_id: 'sess-a', created_at: iso(Date.UTC(2024, 0, 1)), memories: SOURCE_MEMORIES.slice(0, 4) },
];

function zep(req: Recorded): Reply {
  if (req.headers.authorization !== `Api-Key ${SERVICE_KEY}`) return denied;
  const url = new URL(req.path, 'http://x');
  if (url.pathname === `/api/v2/users/${SOURCE_USER}/sessions`)
    return ok(SESSIONS.map(({ memories: _m, ...s }) => ({ ...s, user_id: SOURCE_USER })));
  const m = /^\/api\/v2\/sessions\/([^/]+)\/messages$/.exec(url.pathname);
  const session = SESSIONS.find((s) => s.session_id === m?.[1]);
  if (!session) return { status: 404, body: { message: 'not found' } };
  const limit = Number(url.searchParams.get('limit'));
  const cursor = Number(url.searchParams.get('cursor'));
  const messages = session.memories.slice((cursor - 1) * limit, cursor * limit).map((x) => ({
    uuid: x.id,
    role: 'Sam',
    role_type: 'user',
    content: x.content,
    created_at: iso(x.created),
    metadata: { origin: 'chat' },
  }));
  return ok({ messages, row_count: messages.length, total_count: session.memories.length });
}

function supermemory(req: Recorded): Reply {
  if (req.headers.authorization !== `Bearer ${SERVICE_KEY}`) return denied;
  if (req.method !== 'POST' || req.path !== '/v3/documents/list') return { status: 404, body: { error: 'not found' } };
  const { limit, page, containerTags } = req.json ?? {};
  const all = containerTags?.[0] === SOURCE_USER ? SOURCE_MEMORIES : [];
  const memories = all.slice((page - 1) * limit, page * limit).map((m) => ({
    id: m.id,
    customId: null,
    title: m.content.slice(0, 20),
    summary: m.content,
    metadata: { origin: 'chat' },
    containerTags: [SOURCE_USER],
    createdAt: iso(m.created),
    updatedAt: iso(m.created),
    status: 'done',
  }));
  return ok({
    memories,
    pagination: { currentPage: page, limit, totalItems: all.length, totalPages: Math.ceil(all.length / limit) },
  });
}

function openmemory(req: Recorded): Reply {
  if (req.headers.authorization !== `Bearer ${SERVICE_KEY}`)
    return { status: 401, body: { error: 'authentication_required' } };
  const q = query(req.path);
  const all = q.get('user_id') === SOURCE_USER ? [...SOURCE_MEMORIES].reverse() : [];
  const offset = Number(q.get('u'));
  const items = all.slice(offset, offset + Number(q.get('l'))).map((m) => ({
    id: m.id,
    content: m.content,
    primary_sector: 'semantic',
    tags: ['personal'],
    metadata: { origin: 'chat' },
    created_at: m.created,
    updated_at: m.created,
    last_seen_at: m.created,
    salience: 0.6,
    user_id: SOURCE_USER,
  }));
  return ok({ items });
}

const HANDLERS: Record<ServiceName, (req: Recorded) => Reply> = {
  mem0,
  zep,
  supermemory,
  'openmemory-url': openmemory,
};

export function startService(name: ServiceName): Promise<FakeServer> {
  return startFakeServer(HANDLERS[name]);
}

/** A 429 that asks for a wait of one second. */
export const RATE_LIMITED: Reply = { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } };
