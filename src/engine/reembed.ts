/**
 * The one re-embedding path, used twice:
 * - `openmemory reembed` (which `stale: 'not-current'`): every memory whose vectors the
 *   configured embedder did not write (another provider, model or dimension, upstream's
 *   vectors with `model` NULL, or no vector at all);
 * - the upgrade (`stale: 'upstream'`, after `migrate up` and at start-up): the vectors upstream
 *   OpenMemory wrote (`model` NULL), which live in another space than ours, and memories with no
 *   vector (upstream's ingest root, which no similarity could reach). Vectors that
 *   record a model are kept; a mismatch among those is reported at start-up, not redone
 *   behind the operator's back (a remote provider bills per call).
 *
 * Resumable by construction: each batch of one user is written in one store transaction (the
 * vectors and mean vector of its memories), after which they no longer count as stale, so a
 * run that stops halfway (provider down, Ctrl-C, SIGKILL) is finished by running it again.
 * Readers keep using the old vectors until a memory's new ones are written. A memory whose
 * `updated_at` changed while its batch was being embedded is left alone by that same
 * transaction: whoever changed it embedded it with the current model.
 */
import { isSector, type Sector } from '../core/types.js';
import type { Embedder } from '../embed/embedder.js';
import { storedUserScope, type UserScope } from '../store/scope.js';
import type { Store, VectorReplacement } from '../store/store.js';
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
  /** Which memories to redo; default `not-current`. */
  stale?: 'not-current' | 'upstream';
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
  content: string;
  updatedAt: number;
  sectors: Sector[];
}

function selection(embedder: Embedder, options: ReembedOptions) {
  return {
    model: embedder.id,
    dim: embedder.dim,
    upstreamOnly: options.stale === 'upstream',
    ...(options.sector ? { sector: options.sector } : {}),
  };
}

/**
 * The next page of stale memories after `afterId` (in the store's walk order), with the sectors to re-embed
 * each in: one user's, or every user's in one walk (a walk per user would read every memory
 * once per user).
 */
async function nextStale(
  store: Store,
  embedder: Embedder,
  options: ReembedOptions,
  limit: number,
  afterId?: string,
): Promise<Stale[]> {
  const query = { ...selection(embedder, options), limit, ...(afterId !== undefined ? { afterId } : {}) };
  const { scope } = options;
  const page = scope
    ? (await store.staleMemories(scope, query)).map((m) => ({ ...m, scope }))
    : // Stored ids, not request input: an upgraded database may hold ids no request could send.
      (await store.adminStaleMemories(query)).map((m) => ({ ...m, scope: storedUserScope(m.userId) }));
  return page.map((m) => ({
    scope: m.scope,
    id: m.id,
    content: m.content,
    updatedAt: m.updatedAt,
    // A memory without a usable vector (none, or only in sectors upstream garbage named) is unreachable by similarity; give it its primary sector back.
    sectors: m.sectors.length > 0 ? m.sectors : [isSector(m.primarySector) ? m.primarySector : 'semantic'],
  }));
}

export async function reembed(store: Store, embedder: Embedder, options: ReembedOptions = {}): Promise<ReembedReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const report: ReembedReport = { status: 'complete', total: 0, rewritten: 0, skipped: 0, vectors: 0, error: null };
  const progress = () => {
    const done = report.rewritten + report.skipped;
    const elapsedMs = Math.max(1, now() - started);
    const rate = (done * 1000) / elapsedMs;
    options.onProgress?.({
      done,
      total: report.total,
      elapsedMs,
      rate,
      etaMs: done === 0 ? null : (Math.max(0, report.total - done) / rate) * 1000,
    });
  };
  try {
    const which = selection(embedder, options);
    report.total = options.scope
      ? await store.countStaleMemories(options.scope, which)
      : await store.adminCountStaleMemories(which);
    progress();
    const size = options.batchSize ?? 64;
    // A memory deleted under the walk can end it early (storage order continues after a known row);
    // a second walk finds what is left, since what was rewritten is no longer stale.
    for (let walk = 0; walk < 2 && report.rewritten + report.skipped < report.total; walk++) {
      // Each batch is one page: rewritten memories leave the stale set, the position keeps the walk going past skipped ones.
      for (let page = await nextStale(store, embedder, options, size); page.length > 0; ) {
        if (options.signal?.aborted) throw new Error('aborted');
        await rewritePage(store, embedder, page, report, now);
        progress();
        page = page.length < size ? [] : await nextStale(store, embedder, options, size, page.at(-1)!.id);
      }
    }
  } catch (err) {
    report.status = 'interrupted';
    report.error = err instanceof Error ? err.message : String(err);
  }
  return report;
}

/** One embedder call and one write for the page; each user's rows are written within that user's scope (a page of an admin walk mixes users). */
async function rewritePage(
  store: Store,
  embedder: Embedder,
  page: readonly Stale[],
  report: ReembedReport,
  now: () => number,
): Promise<void> {
  const log = (ids: readonly string[], err: string | null) =>
    store.writeEmbedLogs(
      ids.map((id) => ({ id, model: embedder.id, status: err === null ? 'completed' : 'failed', ts: now(), err })),
    );
  let embedded: Awaited<ReturnType<typeof embedItems>>;
  try {
    embedded = await embedItems(
      embedder,
      page.map((s) => ({ text: s.content, sectors: s.sectors })),
    );
  } catch (err) {
    await log(
      page.map((s) => s.id),
      err instanceof Error ? err.message : String(err),
    );
    throw err;
  }
  const byUser = new Map<string | null, { scope: UserScope; items: VectorReplacement[] }>();
  page.forEach((s, j) => {
    const group = byUser.get(s.scope.userId) ?? { scope: s.scope, items: [] };
    group.items.push({
      id: s.id,
      expectedUpdatedAt: s.updatedAt,
      vectors: embedded[j]!.vectors,
      meanVec: embedded[j]!.mean,
    });
    byUser.set(s.scope.userId, group);
  });
  const groups = [...byUser.values()];
  // One transaction for the page: its users' rows share storage pages, each written once.
  const rewritten =
    groups.length === 1
      ? await store.replaceVectors(groups[0]!.scope, groups[0]!.items)
      : await store.adminReplaceVectors(groups);
  const done = new Set(rewritten);
  for (const { items } of groups) for (const r of items) if (done.has(r.id)) report.vectors += r.vectors.length;
  report.skipped += page.length - rewritten.length;
  report.rewritten += rewritten.length;
  // v1.2's meaning: one row per memory, keyed by its id.
  await log(rewritten, null);
}

/** An `onProgress` for logs: one line per tenth of the work (long runs show where they are, logs stay short). */
export function progressLines(label: string, emit: (line: string) => void): (p: ReembedProgress) => void {
  let last = -1;
  return ({ done, total }) => {
    // Nothing to re-embed is the usual case at start-up, not news.
    if (total === 0) return;
    const tenth = Math.floor((done / total) * 10);
    if (tenth === last) return;
    last = tenth;
    emit(`${label}: ${done}/${total} memories (${tenth * 10}%)`);
  };
}

/**
 * Memories per page when upgrading. A page of every user's memories is written in one
 * transaction per user in it, so small pages mean many small commits; remote providers split
 * the page's single embedder call into their own batch size.
 */
const UPGRADE_PAGE = 512;

/** The upgrade's re-embedding of upstream vectors, with progress lines under one label everywhere. */
export function reembedUpstream(
  store: Store,
  embedder: Embedder,
  emit: (line: string) => void,
): Promise<ReembedReport> {
  return reembed(store, embedder, {
    stale: 'upstream',
    batchSize: UPGRADE_PAGE,
    onProgress: progressLines(`re-embedding upstream vectors with ${embedder.id}`, emit),
  });
}
