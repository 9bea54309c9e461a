/**
 * IDE integration (v1.2 /api/ide/*) on top of the engine: events and sessions are memories of the
 * caller's user, tagged with the session in metadata. Session scans stay inside that user.
 */
import { randomBytes } from 'node:crypto';
import type { MemoryEngine } from '../../engine/api.js';
import { scanMemories } from '../scan.js';
import type { UserScope } from '../../store/scope.js';
import { notFound } from '../../errors.js';

export interface IdeEvent {
  event_type: string;
  file_path?: string;
  content?: string;
  session_id?: string;
  metadata?: Record<string, unknown>;
}

export async function storeIdeEvent(engine: MemoryEngine, scope: UserScope, e: IdeEvent) {
  const filePath = e.file_path ?? 'unknown';
  const added = await engine.add(scope, {
    content: `[${e.event_type}] ${filePath}\n${e.content ?? ''}`.trim(),
    metadata: {
      ...e.metadata,
      ide_event_type: e.event_type,
      ide_file_path: filePath,
      ide_session_id: e.session_id ?? 'default',
      ide_timestamp: Date.now(),
      ide_mode: true,
    },
  });
  return { success: true, memory_id: added.id, primary_sector: added.primary_sector, sectors: added.sectors };
}

export async function ideContext(
  engine: MemoryEngine,
  scope: UserScope,
  input: { query: string; k?: number; limit?: number; session_id?: string; file_path?: string },
) {
  const k = input.k ?? input.limit ?? 5;
  const filtered = input.session_id !== undefined || input.file_path !== undefined;
  // Filters apply after ranking, so ask for more candidates when they will discard some.
  const { matches } = await engine.query(scope, { query: input.query, k: filtered ? Math.min(100, k * 4) : k });
  const memories = matches
    .filter((m) => input.session_id === undefined || m.metadata.ide_session_id === input.session_id)
    .filter((m) => input.file_path === undefined || m.content.includes(input.file_path))
    .slice(0, k)
    .map((m) => ({
      memory_id: m.id,
      content: m.content,
      primary_sector: m.primary_sector,
      sectors: m.sectors,
      score: m.score,
      salience: m.salience,
      last_seen_at: m.last_seen_at,
      path: m.path,
    }));
  return { success: true, memories, total: memories.length, query: input.query };
}

export async function startIdeSession(
  engine: MemoryEngine,
  scope: UserScope,
  input: { project_name?: string; ide_name?: string },
) {
  const sessionId = `session_${Date.now()}_${randomBytes(7).toString('hex')}`;
  const user = scope.userId ?? 'anonymous';
  const project = input.project_name ?? 'unknown';
  const ide = input.ide_name ?? 'unknown';
  const startedAt = Date.now();
  const added = await engine.add(scope, {
    content: `Session started: ${user} in ${project} using ${ide} (${sessionId})`,
    metadata: {
      ide_session_id: sessionId,
      ide_user_id: user,
      ide_project_name: project,
      ide_name: ide,
      session_start_time: startedAt,
      session_type: 'ide_session',
      ide_mode: true,
    },
  });
  return {
    success: true,
    session_id: sessionId,
    memory_id: added.id,
    started_at: startedAt,
    user_id: user,
    project_name: project,
    ide_name: ide,
  };
}

/** The user's memories of one session, newest first (bounded scan). */
const sessionMemories = (engine: MemoryEngine, scope: UserScope, sessionId: string, sector?: 'procedural') =>
  scanMemories(engine, scope, sector ? { sector } : {}, (m) => m.metadata.ide_session_id === sessionId);

export async function endIdeSession(engine: MemoryEngine, scope: UserScope, sessionId: string) {
  const memories = await sessionMemories(engine, scope, sessionId);
  if (!memories.some((m) => m.metadata.session_type === 'ide_session')) throw notFound('session');
  const events = memories.filter((m) => m.metadata.session_type === undefined);
  const sectors: Record<string, number> = {};
  const files = new Set<string>();
  for (const m of events) {
    sectors[m.primary_sector] = (sectors[m.primary_sector] ?? 0) + 1;
    const file = m.metadata.ide_file_path;
    if (typeof file === 'string' && file !== 'unknown') files.add(file);
  }
  const endedAt = Date.now();
  const summary = await engine.add(scope, {
    content: `Session ${sessionId} ended. Events: ${events.length}, Files: ${files.size}, Sectors: ${JSON.stringify(sectors)}`,
    metadata: {
      ide_session_id: sessionId,
      session_type: 'ide_session_end',
      total_events: events.length,
      sectors_distribution: sectors,
      files_touched: [...files],
      session_end_time: endedAt,
      ide_mode: true,
    },
  });
  return {
    success: true,
    session_id: sessionId,
    ended_at: endedAt,
    summary_memory_id: summary.id,
    statistics: { total_events: events.length, sectors, unique_files: files.size, files: [...files] },
  };
}

export async function idePatterns(engine: MemoryEngine, scope: UserScope, sessionId: string) {
  const memories = await sessionMemories(engine, scope, sessionId, 'procedural');
  const patterns = memories.map((m) => ({
    pattern_id: m.id,
    description: m.content,
    salience: m.salience,
    detected_at: m.created_at,
    last_reinforced: m.last_seen_at,
  }));
  return { success: true, session_id: sessionId, pattern_count: patterns.length, patterns };
}
