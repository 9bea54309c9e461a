/**
 * How an upgrade redoes the vectors upstream OpenMemory wrote (`model` NULL): with the
 * configured embedder, through the same batched embedding path as new memories.
 */
import type { Embedder } from '../embed/embedder.js';
import type { ReembedOptions } from '../store/migrate/reembed.js';
import { embedItems } from './embedding.js';

export function upstreamReembed(embedder: Embedder, batchSize: number): Pick<ReembedOptions, 'model' | 'batchSize' | 'embed'> {
  return { model: embedder.id, batchSize, embed: (items) => embedItems(embedder, items) };
}
