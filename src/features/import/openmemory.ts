/**
 * A running OpenMemory v1.2 server: `GET /memory/all?l=S&u=OFFSET&user_id=U` (newest first,
 * `{items: [...]}`), with `Authorization: Bearer <key>` when it has one. Salience, sector, tags
 * and metadata come along.
 */
import { isSector } from '../../core/types.js';
import { endpoint, providerCalls } from './http.js';
import { epochMs, isRecord, strings, textOf, type MemorySource, type SourceOptions } from './source.js';

export function openMemorySource(o: SourceOptions): MemorySource {
  const call = providerCalls('openmemory', o);
  return {
    name: 'openmemory',
    async page(cursor) {
      const offset = cursor === null ? 0 : Number(cursor);
      const user: Record<string, string> = o.user !== null ? { user_id: o.user } : {};
      const body = await call({
        method: 'GET',
        url: endpoint(o.baseUrl, '/memory/all', { l: o.pageSize, u: offset, ...user }),
        headers: o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {},
      });
      const items = (isRecord(body) && Array.isArray(body.items) ? body.items : []).filter(isRecord);
      const memories = items.map((m) => ({
        id: String(m.id),
        content: textOf(m.content),
        ...(epochMs(m.created_at) !== undefined ? { createdAt: epochMs(m.created_at)! } : {}),
        ...(Array.isArray(m.tags) ? { tags: strings(m.tags) } : {}),
        ...(typeof m.salience === 'number' && m.salience >= 0 && m.salience <= 1 ? { salience: m.salience } : {}),
        ...(typeof m.primary_sector === 'string' && isSector(m.primary_sector) ? { sector: m.primary_sector } : {}),
        metadata: isRecord(m.metadata) ? m.metadata : {},
      }));
      return { memories, next: items.length === o.pageSize ? String(offset + items.length) : null };
    },
  };
}
