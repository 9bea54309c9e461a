/**
 * Re-embeds memories whose vectors the configured embedder did not write: another provider,
 * model or dimension, upstream OpenMemory's vectors (`model` NULL), or no vector at all.
 * Vectors of different models live in different spaces, so ranking over them is noise.
 *
 * Resumable by construction: each batch of one user is written in one store transaction (the
 * vectors and mean vector of its memories), after which they no longer count as stale, so a
 * run that stops halfway (provider down, Ctrl-C) is finished by running it again. Readers keep
 * using the old vectors until a memory's new ones are written. A memory whose `updated_at`
 * changed while its batch was being embedded is left alone by that same transaction: whoever
 * changed it embedded it with the current model.
 */
import { isSector, type Sector } from '../core/types.js';
import type { Embedder } from '../embed/embedder.js';
import { userScope, type UserScope } from '../store/scope.js';
import type { Store } from '../store/store.js';
import { embedItems } from './embedding.js';

export interface ReembedProgress {
  /** Memories handled (rewritten or found changed meanwhile). */
  done: number;
  total: number;
  elapsedMs: number;
  /** Memories per second so far. */
  rate: number;
  /** Estimated time left; null until something was done. */
  etaMs: number | null;
}

export interface ReembedReport {
  /** `interrupted`: stopped by an error or the abort signal; run again to continue. */
  status: 'complete' | 'interrupted';
  total: number;
  rewritten: number;
  /** Memories that changed or vanished while their batch was being embedded. */
  skipped: number;
  vectors: number;
  error: string | null;
}

export interface ReembedOptions {
  /** Only this user's memories; all users when absent. */
  scope?: UserScope;
  /** Only memories whose primary sector is this one. */
  sector?: Sector;
  /** Memories embedded per batch (default 64). */
  batchSize?: number;
  onProgress?: (p: ReembedProgress) => void;
  signal?: AbortSignal;
  now?: () => number;
}

interface Stale {
  scope: UserScope;
  id: string;
  sectors: Sector[];
}

const SCAN_PAGE = 1000;

/** The stale memories of one user, with the sectors to re-embed each in; reads ids, not vectors. */
async function scan(store: Store, embedder: Embedder, scope: UserScope, sector: Sector | undefined): Promise<Stale[]> {
  const found: Stale[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await store.staleMemories(scope, {
      model: embedder.id,
      dim: embedder.dim,
      limit: SCAN_PAGE,
      ...(sector ? { sector } : {}),
      ...(afterId !== undefined ? { afterId } : {}),
    });
    for (const m of page) {
      // A memory without a usable vector is unreachable by similarity; give it its primary sector back.
      const sectors = m.sectors.length > 0 ? m.sectors : [isSector(m.primarySector) ? m.primarySector : 'semantic'];
      found.push({ scope, id: m.id, sectors });
    }
    if (page.length < SCAN_PAGE) return found;
    afterId = page.at(-1)!.id;
  }
}

export async function reembed(store: Store, embedder: Embedder, options: ReembedOptions = {}): Promise<ReembedReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const report: ReembedReport = { status: 'complete', total: 0, rewritten: 0, skipped: 0, vectors: 0, error: null };
  const progress = () => {
    const done = report.rewritten + report.skipped;
    const elapsedMs = Math.max(1, now() - started);
    const rate = (done * 1000) / elapsedMs;
    options.onProgress?.({ done, total: report.total, elapsedMs, rate, etaMs: done === 0 ? null : ((report.total - done) / rate) * 1000 });
  };
  try {
    const scopes = options.scope ? [options.scope] : (await store.adminListUsers()).map((u) => userScope(u));
    let stale: Stale[] = [];
    // concat, not push(...): a user may have more stale memories than a call takes arguments.
    for (const scope of scopes) stale = stale.concat(await scan(store, embedder, scope, options.sector));
    report.total = stale.length;
    progress();
    const size = options.batchSize ?? 64;
    for (let i = 0; i < stale.length; i += size) {
      if (options.signal?.aborted) throw new Error('aborted');
      await rewriteBatch(store, embedder, stale.slice(i, i + size), report, now);
      progress();
    }
  } catch (err) {
    report.status = 'interrupted';
    report.error = err instanceof Error ? err.message : String(err);
  }
  return report;
}

async function rewriteBatch(
  store: Store,
  embedder: Embedder,
  batch: readonly Stale[],
  report: ReembedReport,
  now: () => number,
): Promise<void> {
  // Batches never mix users (the scan is per user and kept in order), except at a boundary.
  const byScope = new Map<UserScope, Stale[]>();
  for (const s of batch) {
    const group = byScope.get(s.scope);
    if (group) group.push(s);
    else byScope.set(s.scope, [s]);
  }
  for (const [scope, items] of byScope) {
    const before = new Map((await store.getMemories(scope, items.map((s) => s.id))).map((m) => [m.id, m]));
    const todo = items.filter((s) => before.has(s.id));
    report.skipped += items.length - todo.length;
    const log = (ids: readonly string[], err: string | null) =>
      store.writeEmbedLogs(ids.map((id) => ({ id, model: embedder.id, status: err === null ? 'completed' : 'failed', ts: now(), err })));
    let embedded;
    try {
      embedded = await embedItems(embedder, todo.map((s) => ({ text: before.get(s.id)!.content, sectors: s.sectors })));
    } catch (err) {
      await log(todo.map((s) => s.id), err instanceof Error ? err.message : String(err));
      throw err;
    }
    const replacements = todo.map((s, j) => ({
      id: s.id,
      expectedUpdatedAt: before.get(s.id)!.updatedAt,
      vectors: embedded[j]!.vectors,
      meanVec: embedded[j]!.mean,
    }));
    const rewritten = await store.replaceVectors(scope, replacements);
    const done = new Set(rewritten);
    for (const r of replacements) if (done.has(r.id)) report.vectors += r.vectors.length;
    report.skipped += todo.length - rewritten.length;
    report.rewritten += rewritten.length;
    // v1.2's meaning: one row per memory, keyed by its id.
    await log(rewritten, null);
  }
}
