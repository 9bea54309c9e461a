/**
 * Links for a new memory, all within its user (reference §5.9, with v1.2's declared but
 * unused rules made real): the closest memory in its primary sector, and for each further
 * sector the closest memory there (a cross-sector link at half weight). Found through the
 * store's vector search, not by scanning rows.
 */
import type { Sector, SectorVector } from '../core/types.js';
import { RowBuffer } from '../store/row-buffer.js';
import type { UserView, VectorHit } from '../store/store.js';

/** A stored memory or a peer of the batch (not in the view yet, so without a row), by similarity. */
type Similar = Pick<VectorHit, 'id' | 'similarity'>;

/** Below this cosine two memories are not related enough to link (v1.2 declared 0.75 for its own embedder). */
export const LINK_MIN_SIMILARITY = 0.45;
const CROSS_SECTOR_FACTOR = 0.5;
const PRIMARY_CANDIDATES = 5;

export interface NewLinks {
  waypoints: Array<{ dstId: string; weight: number }>;
  /** Nearest memories in the primary sector (for near-duplicate checks). */
  candidates: Similar[];
}

/** Earlier memories of a bulk insert a new one is compared with, per sector (bounds the O(n²) work). */
const PEER_WINDOW = 256;

/**
 * The memories of one insert batch so far, which the user's stored vectors do not hold yet: per
 * sector, a matrix of their vectors searched with the SIMD kernel (a plain loop over every peer
 * was a tenth of one large user's bulk insert).
 */
export class BatchPeers {
  readonly #sectors = new Map<Sector, { ids: string[]; rows: RowBuffer }>();

  add(id: string, vectors: readonly SectorVector[]): void {
    for (const v of vectors) {
      let s = this.#sectors.get(v.sector);
      if (!s) this.#sectors.set(v.sector, (s = { ids: [], rows: new RowBuffer(v.vector.length, 8) }));
      if (v.vector.length !== s.rows.dim) continue;
      s.rows.reserve(s.ids.length + 1);
      s.rows.data.set(v.vector, s.ids.length * s.rows.dim);
      s.ids.push(id);
    }
  }

  /** The most similar of the last {@link PEER_WINDOW} peers with a vector in v's sector, if any is similar at all (ties: the earlier). */
  best(v: SectorVector): Similar | null {
    const s = this.#sectors.get(v.sector);
    if (!s || s.rows.dim !== v.vector.length) return null;
    const from = Math.max(0, s.ids.length - PEER_WINDOW);
    const dots = s.rows.dots(v.vector, s.ids.length, from);
    let at = -1;
    for (let i = 0; i < dots.length; i++) if (dots[i]! > (at < 0 ? 0 : dots[at]!)) at = i;
    return at < 0 ? null : { id: s.ids[from + at]!, similarity: dots[at]! };
  }
}

/**
 * `vectors[0]` is the primary sector's vector; `peers` are earlier memories of the same batch.
 * Vectors are unit length, as `embedItems` makes them.
 */
export function linksFor(view: UserView, vectors: readonly SectorVector[], peers?: BatchPeers): NewLinks {
  const probe = view.probe(new Map(vectors.map((v) => [v.sector, v.vector])));
  const hits = vectors.map((v, i) => probe.nearest(v.sector, i === 0 ? PRIMARY_CANDIDATES : 1));
  const waypoints: NewLinks['waypoints'] = [];
  hits.forEach((stored, i) => {
    const peer = peers?.best(vectors[i]!) ?? null;
    const list = peer ? [...stored, peer].sort((a, b) => b.similarity - a.similarity) : stored;
    const best = list[0];
    if (!best || best.similarity < LINK_MIN_SIMILARITY || waypoints.some((w) => w.dstId === best.id)) return;
    waypoints.push({ dstId: best.id, weight: i === 0 ? best.similarity : CROSS_SECTOR_FACTOR * best.similarity });
  });
  return { waypoints, candidates: hits[0] ?? [] };
}
