/**
 * Links for a new memory, all within its user (reference §5.9, with v1.2's declared but
 * unused rules made real): the closest memory in its primary sector, and for each further
 * sector the closest memory there (a cross-sector link at half weight). Found through the
 * store's vector search, not by scanning rows.
 */
import type { SectorVector } from '../core/types.js';
import { unitCosine } from '../core/vector.js';
import type { UserView, VectorHit } from '../store/store.js';

/** Below this cosine two memories are not related enough to link (v1.2 declared 0.75 for its own embedder). */
export const LINK_MIN_SIMILARITY = 0.45;
const CROSS_SECTOR_FACTOR = 0.5;
const PRIMARY_CANDIDATES = 5;

export interface NewLinks {
  waypoints: Array<{ dstId: string; weight: number }>;
  /** Nearest memories in the primary sector (for near-duplicate checks). */
  candidates: VectorHit[];
}

/** A memory of the same insert batch, not yet in the store. */
export interface BatchPeer {
  id: string;
  vectors: readonly SectorVector[];
}

function bestPeer(peers: readonly BatchPeer[], v: SectorVector): VectorHit | null {
  let best: VectorHit | null = null;
  for (const p of peers) {
    const other = p.vectors.find((x) => x.sector === v.sector);
    const similarity = other ? unitCosine(v.vector, other.vector) : 0;
    if (similarity > (best?.similarity ?? 0)) best = { id: p.id, similarity };
  }
  return best;
}

/**
 * `vectors[0]` is the primary sector's vector; `peers` are earlier memories of the same batch,
 * which `view` (the user's stored vectors) does not hold yet. Vectors are unit length, as
 * `embedItems` makes them.
 */
export function linksFor(view: UserView, vectors: readonly SectorVector[], peers: readonly BatchPeer[] = []): NewLinks {
  const probe = view.probe(new Map(vectors.map((v) => [v.sector, v.vector])));
  const hits = vectors.map((v, i) => probe.nearest(v.sector, i === 0 ? PRIMARY_CANDIDATES : 1));
  const waypoints: NewLinks['waypoints'] = [];
  hits.forEach((stored, i) => {
    const peer = bestPeer(peers, vectors[i]!);
    const list = peer ? [...stored, peer].sort((a, b) => b.similarity - a.similarity) : stored;
    const best = list[0];
    if (!best || best.similarity < LINK_MIN_SIMILARITY || waypoints.some((w) => w.dstId === best.id)) return;
    waypoints.push({ dstId: best.id, weight: i === 0 ? best.similarity : CROSS_SECTOR_FACTOR * best.similarity });
  });
  return { waypoints, candidates: hits[0] ?? [] };
}
