/**
 * One user's memories held in process: the rows a query scores (./memory-rows.ts), the
 * outgoing links, a BM25 term index and one vector index per sector and dimension. Built from
 * the database once, then kept current by applying what the user's change journal names
 * (../ops/journal.ts): a query reads no row, link or posting from the database.
 */
import { threadOfJson } from '../../core/thread.js';
import { termTokens } from '../../core/tokens.js';
import type { Sector } from '../../core/types.js';
import { Vocabulary, type TermLookup } from '../../core/vocabulary.js';
import type { Change } from '../ops/journal.js';
import type { ModelData, ModelLink, ModelVector } from '../ops/model-data.js';
import type { Link, RecallMemory, RecallRow, RowLinks, TextHit, UserView, VectorProbe } from '../store.js';
import { UnitRows } from '../unit-rows.js';
import { appendRows, forgetMemoryRows, liveRows, removeRows, toUnitMatrix, type UnitMatrix } from '../vector-index.js';
import { LinkRows } from './link-rows.js';
import { MemoryRows } from './memory-rows.js';
import { QueryProbe } from './query-probe.js';
import { TermIndex } from './term-index.js';

/** Memories or vectors a slice of a model's build takes (see UserModel.build). */
const BUILD_SLICE = 256;

/** Past this share of emptied rows, rows are renumbered and the term index rebuilt. */
const MAX_EMPTY_SHARE = 0.25;

const vectorKey = (sector: string, dim: number) => `${sector} ${dim}`;

function groupVectors(vectors: readonly ModelVector[]): Map<string, ModelVector[]> {
  const out = new Map<string, ModelVector[]>();
  for (const v of vectors) {
    const key = vectorKey(v.sector, v.vector.length);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(v);
  }
  return out;
}

export class UserModel implements UserView {
  /** The user's journal epoch this model reflects (every change up to it, possibly later ones). */
  epoch: number;
  readonly #vocabulary = new Vocabulary();
  readonly #rows = new MemoryRows(this.#vocabulary);
  #text = this.#newTermIndex();
  readonly #links = new LinkRows();
  readonly #vectors = new Map<string, UnitMatrix>();
  /** The newest memory of each thread (see {@link UserView.threadTail}). */
  readonly #threads = new Map<string, { id: string; createdAt: number }>();

  constructor(epoch: number, data: ModelData) {
    this.epoch = epoch;
    for (const _ of this.#build(data));
  }

  /**
   * The model built in slices, `pause` awaited between them: otherwise one user's load (14 ms of CPU
   * at 1,000 memories, several times that on a busy machine) holds up every other user's queries.
   */
  static async build(epoch: number, data: ModelData, pause: () => Promise<void>): Promise<UserModel> {
    const model = new UserModel(epoch, { rows: [], vectors: [], links: [] });
    for (const _ of model.#build(data)) await pause();
    return model;
  }

  /** Builds the model from `data`, yielding after each slice of about a millisecond's work. */
  *#build(data: ModelData): Generator<void> {
    for (let i = 0; i < data.rows.length; i += BUILD_SLICE) {
      for (const row of data.rows.slice(i, i + BUILD_SLICE)) this.#put(row);
      yield;
    }
    this.#setLinks(
      data.links,
      data.links.map((l) => l.srcId),
    );
    yield;
    for (const [key, list] of groupVectors(data.vectors)) {
      const dim = list[0]!.vector.length;
      const rows = new UnitRows(dim, list.length);
      for (let i = 0; i < list.length; i += BUILD_SLICE) {
        list.slice(i, i + BUILD_SLICE).forEach((v, j) => rows.set(i + j, v.vector));
        yield;
      }
      this.#vectors.set(key, { ids: list.map((v) => this.#rows.intern(v.id)), dim, rows });
    }
    this.#text.compact();
  }

  /** Approximate bytes held, for the cache budget. */
  get bytes(): number {
    let vectors = 0;
    for (const index of this.#vectors.values()) vectors += index.rows.bytes + index.ids.length * 64;
    return vectors + this.#rows.bytes + this.#vocabulary.bytes + this.#links.bytes + this.#text.bytes;
  }

  get size(): number {
    return this.#rows.size;
  }

  get terms(): TermLookup {
    return this.#vocabulary;
  }

  /** Applies the current state (`data`) of the memories `change` names, bringing the model to epoch `to`. */
  apply(change: Change, data: ModelData, to: number): void {
    const found = new Map(data.rows.map((r) => [r.id, r]));
    for (const id of new Set(change.rows)) {
      const row = found.get(id);
      if (row) this.#put(row);
      else this.#remove(id);
    }
    if (change.vectors?.length) {
      const replaced = new Set(change.vectors);
      const added = groupVectors(data.vectors.filter((v) => replaced.has(v.id)));
      for (const [key, index] of this.#vectors) this.#vectors.set(key, removeRows(index, replaced));
      for (const [key, list] of added) {
        const index =
          this.#vectors.get(key) ?? toUnitMatrix({ ids: [], dim: list[0]!.vector.length, data: new Float32Array(0) });
        appendRows(
          index,
          list.map((v) => ({ id: this.#rows.intern(v.id), vector: v.vector, memoryRow: this.#rows.rowOf(v.id) })),
        );
        this.#vectors.set(key, index);
      }
      for (const [key, index] of this.#vectors) if (liveRows(index) === 0) this.#vectors.delete(key);
    }
    if (change.links?.length) this.#setLinks(data.links, change.links);
    if (this.#rows.span - this.#rows.size > this.#rows.span * MAX_EMPTY_SHARE) this.#renumber();
    this.epoch = to;
  }

  has(id: string): boolean {
    return this.#rows.rowOf(id) !== undefined;
  }

  weight(srcId: string, dstId: string): number | undefined {
    const src = this.#rows.rowOf(srcId);
    const dst = this.#rows.rowOf(dstId);
    if (src === undefined || dst === undefined) return undefined;
    const { dstRows, weights, start, count } = this.#links.at(src);
    for (let i = start; i < start + count; i++) if (dstRows[i] === dst) return weights[i];
    return undefined;
  }

  memory(id: string): RecallMemory | undefined {
    const row = this.#rows.rowOf(id);
    return row === undefined ? undefined : this.#rows.memory(row);
  }

  outgoing(id: string): readonly Link[] {
    const row = this.#rows.rowOf(id);
    if (row === undefined) return [];
    const { dstRows, weights, start, count } = this.#links.at(row);
    return Array.from({ length: count }, (_, i) => ({
      dstId: this.#rows.idAt(dstRows[start + i]!)!,
      weight: weights[start + i]!,
    }));
  }

  idAt(row: number): string | undefined {
    return this.#rows.idAt(row);
  }

  memoryAt(row: number): RecallMemory | undefined {
    return this.#rows.memory(row);
  }

  outgoingAt(row: number): RowLinks {
    return this.#links.at(row);
  }

  probe(queries: ReadonlyMap<Sector, Float32Array>): VectorProbe {
    const indexes = [...queries].flatMap(([sector, q]) => {
      const index = this.#vectors.get(vectorKey(sector, q.length));
      return index ? [{ sector, index, query: q }] : [];
    });
    return new QueryProbe(indexes, (id) => this.#rows.rowOf(id));
  }

  threadTail(thread: string): string | undefined {
    return this.#threads.get(thread)?.id;
  }

  searchText(tokens: readonly string[], limit: number): TextHit[] {
    const terms = tokens.flatMap((t) => this.#vocabulary.find(t) ?? []);
    return this.#text.search(terms, limit).map((h) => ({ id: this.#rows.idAt(h.row)!, row: h.row, rank: h.score }));
  }

  #put(data: RecallRow): void {
    const { row, replaced, fresh } = this.#rows.put(data, () => termTokens(data.content));
    if (replaced) this.#text.remove(row, replaced);
    if (fresh || replaced) this.#text.add(row, this.#rows.termsAt(row));
    const thread = threadOfJson(data.metaJson);
    const tail = thread === null ? undefined : this.#threads.get(thread);
    if (thread !== null && (!tail || data.createdAt >= tail.createdAt))
      this.#threads.set(thread, { id: data.id, createdAt: data.createdAt });
  }

  #remove(id: string): void {
    const row = this.#rows.rowOf(id);
    if (row === undefined) return;
    this.#text.remove(row, this.#rows.termsAt(row));
    const thread = threadOfJson(this.#rows.memory(row)!.metaJson);
    this.#rows.remove(id);
    if (thread !== null && this.#threads.get(thread)?.id === id) this.#retail(thread);
    // Links to it go with their sources' next change (the journal names them with its removal).
    this.#links.set(row, []);
  }

  /** Finds the thread's newest memory again after its tail was removed (rare: a scan of the rows). */
  #retail(thread: string): void {
    this.#threads.delete(thread);
    for (let row = 0; row < this.#rows.span; row++) {
      const m = this.#rows.memory(row);
      if (!m || threadOfJson(m.metaJson) !== thread) continue;
      const tail = this.#threads.get(thread);
      if (!tail || m.createdAt >= tail.createdAt) this.#threads.set(thread, { id: m.id, createdAt: m.createdAt });
    }
  }

  #newTermIndex(): TermIndex {
    return new TermIndex((row) => this.#rows.idAt(row)!);
  }

  /** Rows without the emptied ones, and the term index over the new row numbers. */
  #renumber(): void {
    this.#links.renumber(this.#rows.compact());
    for (const index of this.#vectors.values()) forgetMemoryRows(index);
    this.#text = this.#newTermIndex();
    for (let row = 0; row < this.#rows.span; row++) this.#text.add(row, this.#rows.termsAt(row));
    this.#text.compact();
  }

  /** Replaces the outgoing links of `sources` by those among `links` (none: no links). */
  #setLinks(links: readonly ModelLink[], sources: readonly string[]): void {
    const bySource = new Map<number, Array<{ dstRow: number; dstId: string; weight: number }>>();
    for (const l of links) {
      const src = this.#rows.rowOf(l.srcId);
      const dst = this.#rows.rowOf(l.dstId);
      // Links are written only between memories of the user, which the model holds first.
      if (src === undefined || dst === undefined) continue;
      let list = bySource.get(src);
      if (!list) bySource.set(src, (list = []));
      list.push({ dstRow: dst, dstId: l.dstId, weight: l.weight });
    }
    for (const id of new Set(sources)) {
      const src = this.#rows.rowOf(id);
      if (src === undefined) continue;
      const list = bySource.get(src) ?? [];
      this.#links.set(
        src,
        list.sort((a, b) => b.weight - a.weight || (a.dstId < b.dstId ? -1 : a.dstId > b.dstId ? 1 : 0)),
      );
    }
  }
}
