/**
 * `OM_EMBEDDINGS=local`: semantic vectors computed in process from a table of piece vectors
 * (./local-pieces.ts). A text is segmented into the encoder's pieces (./local-tokenizer.ts) and its
 * vector is the mean of theirs, each weighted a / (a + p(piece)) so frequent pieces ("the", ",")
 * count little (smooth inverse frequency, p from the vocabulary's log-probabilities). No network,
 * no key; a few microseconds a text once the table is loaded, which `verify()` does (the engine
 * awaits it when it opens).
 */
import { ConfigError } from '../../errors.js';
import { embedderId, type EmbedRequest, type Embedder } from '../embedder.js';
import { loadPieceTable, type PieceTable } from './local-pieces.js';
import { UnigramTokenizer } from './local-tokenizer.js';

export const LOCAL_MODEL = 'use-lite-pieces';
/** The smoothing of the weights: pieces much more frequent than this weigh little. */
const SMOOTHING = 1e-3;
const RESERVED_PIECES = 6;

class PieceModel {
  readonly dim: number;
  readonly #tokenizer: UnigramTokenizer;
  readonly #vectors: Float32Array;
  readonly #weights: Float32Array;

  constructor(table: PieceTable) {
    this.dim = table.dim;
    this.#vectors = table.vectors;
    this.#tokenizer = new UnigramTokenizer(table.vocabulary, RESERVED_PIECES);
    this.#weights = Float32Array.from(table.vocabulary, ([, logP], id) =>
      id < RESERVED_PIECES ? 0 : SMOOTHING / (SMOOTHING + Math.exp(logP)),
    );
  }

  embed(text: string): Float32Array {
    const dim = this.dim;
    const v = new Float32Array(dim);
    let any = false;
    for (const id of this.#tokenizer.encode(text)) {
      const w = this.#weights[id]!;
      if (w === 0) continue;
      any = true;
      const row = id * dim;
      for (let d = 0; d < dim; d++) v[d]! += w * this.#vectors[row + d]!;
    }
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += v[d]! * v[d]!;
    // A text of unknown characters only: the same unit vector as the synthetic embedder gives one without tokens.
    if (!any || sum === 0) return v.fill(1 / Math.sqrt(dim));
    const norm = Math.sqrt(sum);
    for (let d = 0; d < dim; d++) v[d]! /= norm;
    return v;
  }
}

export class LocalEmbedder implements Embedder {
  readonly provider = 'local';
  readonly model = LOCAL_MODEL;
  #model: PieceModel | null = null;
  #loading: Promise<void> | null = null;

  /**
   * @param cacheDir where the piece table is kept between starts
   * @param requestedDim OM_VEC_DIM when the operator set it: the model's dimension must equal it
   */
  constructor(
    readonly cacheDir: string,
    readonly requestedDim: number | null = null,
  ) {}

  /** Known once loaded ({@link verify}); 0 before. */
  get dim(): number {
    return this.#model?.dim ?? 0;
  }

  get id(): string {
    return embedderId(this.provider, this.model, this.dim);
  }

  /** Loads the table once (made and cached on the first start). Throws {@link ConfigError} when it cannot be had. */
  verify(): Promise<void> {
    this.#loading ??= loadPieceTable(this.cacheDir).then(
      (table) => {
        if (this.requestedDim !== null && table.dim !== this.requestedDim) {
          const gives = `${table.dim}-dimensional vectors`;
          throw new ConfigError('OM_VEC_DIM', `is ${this.requestedDim} but the local model gives ${gives}`);
        }
        this.#model = new PieceModel(table);
      },
      (e: unknown) => {
        this.#loading = null;
        throw e;
      },
    );
    return this.#loading;
  }

  async embed(requests: readonly EmbedRequest[]): Promise<Float32Array[]> {
    await this.verify();
    const model = this.#model!;
    // A query asks for the same text in every sector, which does not change its vector.
    const byText = new Map<string, Float32Array>();
    return requests.map((r) => {
      const known = byText.get(r.text);
      if (known) return known.slice();
      const v = model.embed(r.text);
      byText.set(r.text, v);
      return v;
    });
  }
}
