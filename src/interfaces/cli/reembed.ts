/**
 * `openmemory reembed [--user U | --default-user] [--sector S] [--batch N]`: re-embeds the
 * memories the configured embedder did not write, with a progress bar and an ETA. Safe to stop
 * (Ctrl-C) and to run while the server answers; running it again continues where it stopped.
 */
import { loadConfig, type Config } from '../../config.js';
import { isSector } from '../../core/types.js';
import { createEmbedder } from '../../embed/create.js';
import { reembed, type ReembedProgress, type ReembedReport } from '../../engine/reembed.js';
import { validationError } from '../../errors.js';
import { userScope } from '../../store/scope.js';
import { openStore } from '../../store/open.js';
import { UsageError, parseCommand } from './args.js';
import type { Io } from './io.js';
import { count } from './output.js';

export interface RunReembedOptions {
  /** A user id, `null` for the default user, absent for every user. */
  user?: string | null;
  sector?: string;
  batchSize?: number;
  onProgress?: (p: ReembedProgress) => void;
  signal?: AbortSignal;
}

export interface RunReembedResult extends ReembedReport {
  /** The embedder id the memories now carry. */
  embedder: string;
}

/** Probes the provider first (a wrong key or host fails before the database is touched). */
export async function runReembed(config: Readonly<Config>, options: RunReembedOptions = {}): Promise<RunReembedResult> {
  const { sector } = options;
  if (sector !== undefined && !isSector(sector)) throw validationError(`unknown sector "${sector}"`);
  const embedder = createEmbedder(config);
  await embedder.verify?.();
  const store = await openStore(config);
  try {
    const report = await reembed(store, embedder, {
      ...(options.user !== undefined ? { scope: userScope(options.user) } : {}),
      ...(sector !== undefined ? { sector } : {}),
      batchSize: options.batchSize ?? config.embeddings.batchSize,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ...report, embedder: embedder.id };
  } finally {
    await store.close();
  }
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h > 0 ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** `[#######-------------]  120/500  24.0%  35.2/s  ETA 0:11` */
export function progressLine(p: ReembedProgress, width = 30): string {
  const share = p.total === 0 ? 1 : p.done / p.total;
  const filled = Math.round(share * width);
  const eta = p.etaMs === null ? '--:--' : clock(p.etaMs);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total}  ${(share * 100).toFixed(1)}%  ${p.rate.toFixed(1)}/s  ETA ${eta}`;
}

/** Off a terminal, a line every so often keeps logs short; the last line always shows. */
const LOG_EVERY_MS = 5000;

function progressWriter(io: Io): (p: ReembedProgress) => void {
  let shownAt = -Infinity;
  return (p) => {
    const last = p.done === p.total;
    if (io.errIsTTY && io.errInPlace) {
      io.errInPlace(progressLine(p));
      if (last) io.errInPlace('\n');
    } else if (last || p.elapsedMs - shownAt >= LOG_EVERY_MS) {
      shownAt = p.elapsedMs;
      io.err(progressLine(p));
    }
  };
}

/** The CLI command (shape of `COMMANDS` in ./main.ts). */
export async function reembedCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommand(
    args,
    {
      user: { type: 'string' },
      'default-user': { type: 'boolean' },
      sector: { type: 'string' },
      batch: { type: 'string' },
    },
    { min: 0, max: 0, names: '' },
  );
  if (values.user !== undefined && values['default-user'])
    throw new UsageError('--user and --default-user exclude each other');
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch > 0))
    throw new UsageError('--batch must be a positive integer');
  const config = loadConfig(io.env);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  try {
    const user = values['default-user'] ? null : values.user;
    const r = await runReembed(config, {
      ...(user !== undefined ? { user } : {}),
      ...(values.sector !== undefined ? { sector: values.sector } : {}),
      ...(batch !== undefined ? { batchSize: batch } : {}),
      onProgress: progressWriter(io),
      signal: abort.signal,
    });
    io.out(
      `re-embedded ${r.rewritten} of ${count(r.total, 'memory', 'memories')} (${count(r.vectors, 'vector', 'vectors')}) with ${r.embedder}; ${r.skipped} changed or deleted meanwhile`,
    );
    if (r.status === 'complete') return 0;
    io.err(`stopped: ${r.error}; run the command again to continue`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
  }
}
