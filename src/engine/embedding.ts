/**
 * Turns texts into per-sector vectors with one embedder call for a whole batch: every
 * (chunk, sector) pair of every item goes into the same request list.
 */
import { chunkText } from '../core/chunk.js';
import { meanVector, averageVectors } from '../core/vector.js';
import type { Sector, SectorVector } from '../core/types.js';
import { OmError } from '../errors.js';
import type { Embedder, EmbedRequest } from '../embed/embedder.js';

export interface Embedded {
  chunks: number;
  vectors: SectorVector[];
  mean: Float32Array | null;
}

export async function embedItems(
  embedder: Embedder,
  items: ReadonlyArray<{ text: string; sectors: readonly Sector[] }>,
): Promise<Embedded[]> {
  const requests: EmbedRequest[] = [];
  const layout = items.map((item) => {
    const chunks = chunkText(item.text);
    const start = requests.length;
    for (const sector of item.sectors) for (const text of chunks) requests.push({ text, sector });
    return { start, chunks: chunks.length, sectors: item.sectors };
  });
  let vectors: Float32Array[];
  try {
    vectors = requests.length > 0 ? await embedder.embed(requests) : [];
  } catch (err) {
    throw new OmError(
      'upstream_unavailable',
      `embedding failed (${embedder.id}): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (vectors.length !== requests.length || vectors.some((v) => v.length !== embedder.dim)) {
    throw new OmError('upstream_unavailable', `embedder ${embedder.id} returned malformed vectors`);
  }
  return layout.map(({ start, chunks, sectors }) => {
    const perSector: SectorVector[] = sectors.map((sector, i) => ({
      sector,
      vector: averageVectors(vectors.slice(start + i * chunks, start + (i + 1) * chunks)),
      model: embedder.id,
    }));
    return { chunks, vectors: perSector, mean: meanVector(perSector) };
  });
}
