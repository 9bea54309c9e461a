/**
 * Zep: a user's sessions from `GET /api/v2/users/{userId}/sessions` (an array), then each
 * session's messages from `GET /api/v2/sessions/{sessionId}/messages?limit=S&cursor=N` (N from 1,
 * answering `{messages, row_count, total_count}`), with `Authorization: Api-Key <key>`. Every
 * message becomes a memory; the cursor names the session (in a stable order) and its page.
 */
import { OmError } from '../../errors.js';
import { endpoint, providerCalls } from './http.js';
import { epochMs, isRecord, textOf, type MemorySource, type SourceOptions } from './source.js';

export const ZEP_BASE_URL = 'https://api.getzep.com';

interface ZepCursor {
  session: number;
  page: number;
}

export function zepSource(o: SourceOptions): MemorySource {
  if (o.user === null) throw new OmError('validation_error', 'zep needs the Zep user whose sessions to read');
  const calls = providerCalls('zep', o);
  const call = (url: string) => calls({ method: 'GET', url, headers: { authorization: `Api-Key ${o.apiKey}` } });
  let sessions: string[] | null = null;
  const listSessions = async (): Promise<string[]> => {
    const body = await call(endpoint(o.baseUrl, `/api/v2/users/${encodeURIComponent(o.user!)}/sessions`));
    const rows = (Array.isArray(body) ? body : []).filter(isRecord);
    // Oldest first, ties by id: the same order on every run, so a saved cursor means the same session.
    const created = (s: Record<string, unknown>) => epochMs(s.created_at) ?? 0;
    rows.sort((a, b) => created(a) - created(b) || String(a.session_id).localeCompare(String(b.session_id)));
    return rows.map((s) => String(s.session_id));
  };
  return {
    name: 'zep',
    async page(cursor) {
      sessions ??= await listSessions();
      const at: ZepCursor = cursor === null ? { session: 0, page: 1 } : (JSON.parse(cursor) as ZepCursor);
      const sessionId = sessions[at.session];
      if (sessionId === undefined) return { memories: [], next: null };
      const path = `/api/v2/sessions/${encodeURIComponent(sessionId)}/messages`;
      const body = await call(endpoint(o.baseUrl, path, { limit: o.pageSize, cursor: at.page }));
      const messages = (isRecord(body) && Array.isArray(body.messages) ? body.messages : []).filter(isRecord);
      const total = isRecord(body) && typeof body.total_count === 'number' ? body.total_count : null;
      const memories = messages.map((m) => ({
        id: String(m.uuid),
        content: textOf(m.content),
        ...(epochMs(m.created_at) !== undefined ? { createdAt: epochMs(m.created_at)! } : {}),
        metadata: {
          ...(isRecord(m.metadata) ? m.metadata : {}),
          session_id: sessionId,
          ...(m.role ? { role: m.role } : {}),
          ...(m.role_type ? { role_type: m.role_type } : {}),
        },
      }));
      const moreInSession = messages.length === o.pageSize && (total === null || at.page * o.pageSize < total);
      const next: ZepCursor | null = moreInSession
        ? { session: at.session, page: at.page + 1 }
        : at.session + 1 < sessions.length
          ? { session: at.session + 1, page: 1 }
          : null;
      return { memories, next: next && JSON.stringify(next) };
    },
  };
}
