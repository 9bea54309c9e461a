/**
 * Supermemory: `POST /v3/documents/list` with `{containerTags: [user], limit, page, sort, order}`
 * and `Authorization: Bearer <key>`, answering `{memories: [...], pagination: {currentPage,
 * totalPages, totalItems}}`; a document's text is its `content`, else its `summary` or `title`.
 */
import { endpoint, providerCalls } from './http.js';
import { epochMs, isRecord, textOf, type MemorySource, type SourceOptions } from './source.js';

export const SUPERMEMORY_BASE_URL = 'https://api.supermemory.ai';

export function supermemorySource(o: SourceOptions): MemorySource {
  const call = providerCalls('supermemory', o);
  return {
    name: 'supermemory',
    async page(cursor) {
      const page = cursor === null ? 1 : Number(cursor);
      const container = o.user !== null ? { containerTags: [o.user] } : {};
      const body = await call({
        method: 'POST',
        url: endpoint(o.baseUrl, '/v3/documents/list'),
        headers: { authorization: `Bearer ${o.apiKey}` },
        body: { ...container, limit: o.pageSize, page, sort: 'createdAt', order: 'asc' },
      });
      const docs = (isRecord(body) && Array.isArray(body.memories) ? body.memories : []).filter(isRecord);
      const paging = isRecord(body) && isRecord(body.pagination) ? body.pagination : {};
      const memories = docs.map((d) => ({
        id: String(d.id),
        content: textOf(d.content) || textOf(d.summary) || textOf(d.title),
        ...(epochMs(d.createdAt) !== undefined ? { createdAt: epochMs(d.createdAt)! } : {}),
        metadata: {
          ...(isRecord(d.metadata) ? d.metadata : {}),
          ...(d.title ? { title: d.title } : {}),
          ...(d.customId ? { custom_id: d.customId } : {}),
        },
      }));
      const totalPages = typeof paging.totalPages === 'number' ? paging.totalPages : page;
      return {
        memories,
        next: page < totalPages && docs.length > 0 ? String(page + 1) : null,
        ...(typeof paging.totalItems === 'number' ? { total: paging.totalItems } : {}),
      };
    },
  };
}
