/**
 * mem0 platform: `POST /v2/memories/?page=N&page_size=S` with `{filters: {user_id}}` and
 * `Authorization: Token <key>`, answering `{count, next, previous, results}` (an array when not
 * paginated); each result has `id`, `memory`, `categories`, `metadata`, `created_at`, `updated_at`.
 */
import { endpoint, providerCalls } from './http.js';
import { epochMs, isRecord, strings, textOf, type MemorySource, type SourceOptions } from './source.js';

export const MEM0_BASE_URL = 'https://api.mem0.ai';

export function mem0Source(o: SourceOptions): MemorySource {
  const call = providerCalls('mem0', o);
  return {
    name: 'mem0',
    async page(cursor) {
      const page = cursor === null ? 1 : Number(cursor);
      const body = await call({
        method: 'POST',
        url: endpoint(o.baseUrl, '/v2/memories/', { page, page_size: o.pageSize }),
        headers: { authorization: `Token ${o.apiKey}` },
        body: { filters: { user_id: o.user } },
      });
      const results = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.results) ? body.results : [];
      const memories = results.filter(isRecord).map((m) => ({
        id: String(m.id),
        content: textOf(m.memory),
        ...(epochMs(m.created_at) !== undefined ? { createdAt: epochMs(m.created_at)! } : {}),
        ...(Array.isArray(m.categories) ? { tags: strings(m.categories) } : {}),
        metadata: {
          ...(isRecord(m.metadata) ? m.metadata : {}),
          ...(m.updated_at ? { source_updated_at: m.updated_at } : {}),
        },
      }));
      const more = isRecord(body) && typeof body.next === 'string' && body.next !== '' && results.length > 0;
      const total = isRecord(body) && typeof body.count === 'number' ? { total: body.count } : {};
      return { memories, next: more ? String(page + 1) : null, ...total };
    },
  };
}
