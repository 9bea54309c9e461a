/** Chooses the embedder from the configuration: offline synthetic, the local model, or a remote provider. */
import type { Config } from '../config.js';
import type { Embedder } from './embedder.js';
import { createRemoteEmbedder, type RemoteEmbedderDeps } from './providers/from-config.js';
import { LocalEmbedder } from './providers/local-embedder.js';
import { SyntheticEmbedder } from './synthetic.js';

export function createEmbedder(config: Readonly<Config>, deps: RemoteEmbedderDeps = {}): Embedder {
  const { provider, dim, requestedDim, local } = config.embeddings;
  if (provider === 'synthetic') return new SyntheticEmbedder(dim);
  if (provider === 'local') return new LocalEmbedder(local.cacheDir, requestedDim);
  return createRemoteEmbedder(config, deps);
}
