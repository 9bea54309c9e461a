/**
 * Contextual text scores: a short turn ("That sounds fun! Where was it?") only means something
 * beside its neighbours, and a question often names the context rather than the turn that
 * answers it. Each text hit passes its BM25, times the link's weight, to the memories it links
 * to (the turns beside it in its thread, its most similar memories): their context score, a
 * signal of its own beside their own BM25 in the ranking.
 */
import type { TextHit, UserView } from '../store/store.js';

/** The context score by row: the sum over linked text hits of their BM25 times the link's weight. */
export function contextScores(view: UserView, hits: readonly TextHit[]): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < hits.length; i++) {
    const { row, rank } = hits[i]!;
    const { dstRows, weights, start, count } = view.outgoingAt(row);
    for (let j = start; j < start + count; j++) {
      const dst = dstRows[j]!;
      if (dst !== row) out.set(dst, (out.get(dst) ?? 0) + weights[j]! * rank);
    }
  }
  return out;
}
