/** Chooses the embedder from the configuration: offline synthetic, or a remote provider. */
import type { Config } from '../config.js';
import type { Embedder } from './embedder.js';
import { createRemoteEmbedder, type RemoteEmbedderDeps } from './providers/from-config.js';
import { SyntheticEmbedder } from './synthetic.js';

export function createEmbedder(config: Readonly<Config>, deps: RemoteEmbedderDeps = {}): Embedder {
  const { provider, dim } = config.embeddings;
  return provider === 'synthetic' ? new SyntheticEmbedder(dim) : createRemoteEmbedder(config, deps);
}
