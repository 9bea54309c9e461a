/**
 * Start-up check that stored vectors come from the configured embedder. Vectors of another
 * model (or of upstream OpenMemory, model NULL) are not comparable with new query vectors,
 * so ranking over them would be garbage; this is reported instead of silently ignored.
 */
import type { Embedder } from '../embed/embedder.js';
import type { ModelCount } from '../store/store.js';

export interface ModelStatus {
  /** True when every stored vector was made by the configured embedder. */
  ok: boolean;
  configured: string;
  /** Stored vectors grouped by model and dimension. */
  stored: ModelCount[];
  /** Human-readable explanation when not ok. */
  message: string | null;
}

export function checkModels(embedder: Embedder, stored: readonly ModelCount[]): ModelStatus {
  const foreign = stored.filter((m) => m.vectors > 0 && (m.model !== embedder.id || m.dim !== embedder.dim));
  if (foreign.length === 0) return { ok: true, configured: embedder.id, stored: [...stored], message: null };
  const list = foreign
    .map((m) => `${m.vectors} vectors of ${m.model ?? 'an unknown model (upstream OpenMemory)'} (dim ${m.dim})`)
    .join(', ');
  return {
    ok: false,
    configured: embedder.id,
    stored: [...stored],
    message: `the database holds ${list} but the configured embedder is ${embedder.id}; those memories rank poorly until re-embedded: run \`openmemory reembed\``,
  };
}
