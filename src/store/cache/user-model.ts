/**
 * One user's memories held in process: the rows a query scores (with their content tokens), the
 * outgoing links, a BM25 term index and one vector index per sector and dimension. Built from
 * the database once, then kept current by applying what the user's change journal names
 * (../ops/journal.ts): a query reads no row, link or posting from the database.
 */
import { canonicalTokens } from '../../core/tokens.js';
import type { Sector, Waypoint } from '../../core/types.js';
import type { Change } from '../ops/journal.js';
import type { ModelData, ModelVector } from '../ops/model-data.js';
import type { Link, RecallMemory, TextHit, UserView, VectorProbe } from '../store.js';
import { appendRows, liveRows, removeRows, toUnitMatrix, type UnitMatrix } from '../vector-index.js';
import { TermIndex } from './term-index.js';
import { QueryProbe } from './query-probe.js';

/** Measured heap cost of a row (object, tokens, id, postings) beyond its content, and of a link, for the cache budget. */
const ROW_BYTES = 900;
const LINK_BYTES = 120;
/** Past this share of emptied rows, rows are renumbered and the term index rebuilt. */
const MAX_EMPTY_SHARE = 0.25;

const vectorKey = (sector: string, dim: number) => `${sector} ${dim}`;

const strongestFirst = (a: Link, b: Link) => b.weight - a.weight || (a.dstId < b.dstId ? -1 : a.dstId > b.dstId ? 1 : 0);

/** Metadata nearly always `{}`; tags repeat across memories: each distinct value is held once. */
const EMPTY_META = '{}';

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
  #rows: Array<RecallMemory | undefined> = [];
  readonly #rowOf = new Map<string, number>();
  #text = this.#newTermIndex();
  #contentChars = 0;
  readonly #links = new Map<string, readonly Link[]>();
  readonly #tagSets = new Map<string, readonly string[]>();
  #linkCount = 0;
  readonly #vectors = new Map<string, UnitMatrix>();

  constructor(epoch: number, data: ModelData) {
    this.epoch = epoch;
    for (const row of data.rows) this.#put(row);
    this.#setLinks(data.links, data.links.map((l) => l.srcId));
    for (const [key, list] of groupVectors(data.vectors)) {
      const dim = list[0]!.vector.length;
      const flat = new Float32Array(list.length * dim);
      list.forEach((v, i) => flat.set(v.vector, i * dim));
      this.#vectors.set(key, toUnitMatrix({ ids: list.map((v) => this.#intern(v.id)), dim, data: flat }));
    }
    this.#text.compact();
  }

  /** Approximate bytes held, for the cache budget. */
  get bytes(): number {
    let vectors = 0;
    for (const index of this.#vectors.values()) vectors += index.rows.bytes;
    return vectors + this.#rowOf.size * ROW_BYTES + 2 * this.#contentChars + this.#linkCount * LINK_BYTES + this.#text.bytes;
  }

  get size(): number {
    return this.#rowOf.size;
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
        const index = this.#vectors.get(key) ?? toUnitMatrix({ ids: [], dim: list[0]!.vector.length, data: new Float32Array(0) });
        appendRows(index, list.map((v) => ({ id: this.#intern(v.id), vector: v.vector })));
        this.#vectors.set(key, index);
      }
      for (const [key, index] of this.#vectors) if (liveRows(index) === 0) this.#vectors.delete(key);
    }
    if (change.links?.length) this.#setLinks(data.links, change.links);
    if (this.#rows.length - this.#rowOf.size > this.#rows.length * MAX_EMPTY_SHARE) this.#renumber();
    this.epoch = to;
  }

  memory(id: string): RecallMemory | undefined {
    const row = this.#rowOf.get(id);
    return row === undefined ? undefined : this.#rows[row];
  }

  outgoing(id: string): readonly Link[] {
    return this.#links.get(id) ?? [];
  }

  probe(queries: ReadonlyMap<Sector, Float32Array>): VectorProbe {
    return new QueryProbe([...queries].flatMap(([sector, q]) => {
      const index = this.#vectors.get(vectorKey(sector, q.length));
      return index ? [{ sector, index, query: q }] : [];
    }));
  }

  searchText(tokens: readonly string[], limit: number): TextHit[] {
    return this.#text.search(tokens, limit).map((h) => ({ id: this.#rows[h.row]!.id, rank: h.score }));
  }

  #put(data: Omit<RecallMemory, 'tokens'>): void {
    const at = this.#rowOf.get(data.id);
    const old = at === undefined ? undefined : this.#rows[at];
    const row = at ?? this.#rows.length;
    const same = old !== undefined && old.content === data.content;
    if (old && !same) {
      this.#text.remove(row, old.tokens);
      this.#contentChars -= old.content.length;
    }
    const tokens = same ? old.tokens : Object.freeze(canonicalTokens(data.content));
    if (!same) {
      this.#text.add(row, tokens);
      this.#contentChars += data.content.length;
    }
    const id = old?.id ?? data.id;
    // Every field named in one literal: all rows share one hidden class (a spread gave each its own).
    const memory: RecallMemory = {
      id,
      content: data.content,
      primarySector: data.primarySector,
      simhash: data.simhash,
      tags: data.tags && this.#tags(data.tags),
      metaJson: data.metaJson === EMPTY_META ? EMPTY_META : data.metaJson,
      createdAt: data.createdAt,
      updatedAt: data.updatedAt,
      lastSeenAt: data.lastSeenAt,
      salience: data.salience,
      feedbackScore: data.feedbackScore,
      tokens,
    };
    this.#rows[row] = Object.freeze(memory);
    this.#rowOf.set(id, row);
  }

  #remove(id: string): void {
    const row = this.#rowOf.get(id);
    if (row === undefined) return;
    const old = this.#rows[row]!;
    this.#text.remove(row, old.tokens);
    this.#contentChars -= old.content.length;
    this.#rows[row] = undefined;
    this.#rowOf.delete(id);
  }

  /** The model's own copy of a memory id: rows, links and vector indexes share one string per id. */
  #intern(id: string): string {
    const row = this.#rowOf.get(id);
    return row === undefined ? id : this.#rows[row]!.id;
  }

  #tags(tags: readonly string[]): readonly string[] {
    const key = tags.join('\u0000');
    let held = this.#tagSets.get(key);
    if (!held) this.#tagSets.set(key, (held = Object.freeze([...tags])));
    return held;
  }

  #newTermIndex(): TermIndex {
    return new TermIndex((row) => this.#rows[row]!.id);
  }

  /** Rows without the emptied ones, and the term index over the new row numbers. */
  #renumber(): void {
    this.#rows = this.#rows.filter((r) => r !== undefined);
    this.#text = this.#newTermIndex();
    this.#rows.forEach((r, row) => {
      this.#rowOf.set(r!.id, row);
      this.#text.add(row, r!.tokens);
    });
  }

  /** Replaces the outgoing links of `sources` by those among `links` (none: no links). */
  #setLinks(links: readonly Waypoint[], sources: readonly string[]): void {
    const bySource = new Map<string, Link[]>();
    for (const l of links) {
      let list = bySource.get(l.srcId);
      if (!list) bySource.set(l.srcId, (list = []));
      list.push(Object.freeze({ dstId: this.#intern(l.dstId), weight: l.weight }));
    }
    for (const src of new Set(sources)) {
      this.#linkCount -= this.#links.get(src)?.length ?? 0;
      const list = bySource.get(src);
      if (!list) {
        this.#links.delete(src);
        continue;
      }
      this.#links.set(this.#intern(src), Object.freeze(list.sort(strongestFirst)));
      this.#linkCount += list.length;
    }
  }
}
