/**
 * A user model's memories, stored by column: numbers in typed arrays, content tokens as ids
 * into the model's vocabulary in one growing buffer, repeated strings (sectors, tags,
 * metadata) held once. A query reads a few dozen rows; the user's other memories cost a few
 * hundred bytes each instead of an object graph of several kilobytes.
 */
import type { Vocabulary } from '../../core/vocabulary.js';
import { grown } from '../grown.js';
import type { RecallMemory, RecallRow } from '../store.js';

/** Numbers kept per row, in this order. */
const CREATED = 0;
const LAST_SEEN = 1;
const SALIENCE = 2;
const FEEDBACK = 3;
const NUMBERS = 4;
/** Nearly every memory's metadata: one string for all of them. */
const EMPTY_META = '{}';

/** One distinct value of a repeated column held once. */
class Interned<T> {
  readonly #values = new Map<string, T>();
  constructor(private readonly make: (key: string) => T) {}
  get(key: string): T {
    let v = this.#values.get(key);
    if (v === undefined) this.#values.set(key, (v = this.make(key)));
    return v;
  }
}

export class MemoryRows {
  #ids: Array<string | undefined> = [];
  readonly #rowOf = new Map<string, number>();
  #content: string[] = [];
  #sector: string[] = [];
  #simhash: Array<string | null> = [];
  #tags: Array<readonly string[] | null> = [];
  #meta: string[] = [];
  #numbers = new Float64Array(64 * NUMBERS);
  /** Each row's tokens: `#tokens[#tokenAt[row] .. + #tokenCount[row]]`. */
  #tokenAt = new Uint32Array(64);
  #tokenCount = new Uint32Array(64);
  #tokens = new Int32Array(1024);
  #tokensEnd = 0;
  #tokensLive = 0;
  #chars = 0;
  readonly #strings = new Interned<string>((s) => s);
  readonly #tagLists = new Interned<readonly string[]>((json) => Object.freeze(JSON.parse(json) as string[]));

  constructor(readonly vocabulary: Vocabulary) {}

  /** Live rows. */
  get size(): number {
    return this.#rowOf.size;
  }

  /** Row numbers in use, live or emptied. */
  get span(): number {
    return this.#ids.length;
  }

  get bytes(): number {
    return (
      this.#rowOf.size * 250 +
      2 * this.#chars +
      this.#numbers.byteLength +
      this.#tokens.byteLength +
      8 * this.#tokenAt.length
    );
  }

  rowOf(id: string): number | undefined {
    return this.#rowOf.get(id);
  }

  /** The model's own copy of a live memory's id (links and vector indexes share it), or the id given. */
  intern(id: string): string {
    const row = this.#rowOf.get(id);
    return row === undefined ? id : this.#ids[row]!;
  }

  idAt(row: number): string | undefined {
    return this.#ids[row];
  }

  /** The row's token ids (a view valid until the next write). */
  termsAt(row: number): Int32Array {
    return this.#tokens.subarray(this.#tokenAt[row]!, this.#tokenAt[row]! + this.#tokenCount[row]!);
  }

  memory(row: number): RecallMemory | undefined {
    const id = this.#ids[row];
    if (id === undefined) return undefined;
    const n = row * NUMBERS;
    return {
      id,
      content: this.#content[row]!,
      primarySector: this.#sector[row]!,
      simhash: this.#simhash[row]!,
      tags: this.#tags[row]!,
      metaJson: this.#meta[row]!,
      createdAt: this.#numbers[n + CREATED]!,
      lastSeenAt: this.#numbers[n + LAST_SEEN]!,
      salience: this.#numbers[n + SALIENCE]!,
      feedbackScore: this.#numbers[n + FEEDBACK]!,
      terms: this.termsAt(row),
    };
  }

  /**
   * Writes the memory into its row (a new one for a new id). Returns the row, and the token ids
   * it held before when its content changed (`null`: unchanged content, nothing to re-index).
   */
  put(data: RecallRow, tokens: () => readonly string[]): { row: number; replaced: Int32Array | null; fresh: boolean } {
    const at = this.#rowOf.get(data.id);
    const row = at ?? this.#ids.length;
    const same = at !== undefined && this.#content[row] === data.content;
    let replaced: Int32Array | null = null;
    if (at === undefined) {
      this.#ids.push(data.id);
      this.#rowOf.set(data.id, row);
      this.#numbers = grown(this.#numbers, (row + 1) * NUMBERS);
      this.#tokenAt = grown(this.#tokenAt, row + 1);
      this.#tokenCount = grown(this.#tokenCount, row + 1);
    } else if (!same) {
      replaced = this.termsAt(row).slice();
      this.#tokensLive -= replaced.length;
      this.#chars -= this.#content[row]!.length;
    }
    if (!same) {
      this.#chars += data.content.length;
      this.#setTokens(row, tokens());
    }
    this.#content[row] = data.content;
    this.#sector[row] = this.#strings.get(data.primarySector);
    this.#simhash[row] = data.simhash;
    this.#tags[row] = data.tags && this.#tagLists.get(JSON.stringify(data.tags));
    this.#meta[row] = data.metaJson === EMPTY_META ? EMPTY_META : data.metaJson;
    const n = row * NUMBERS;
    this.#numbers[n + CREATED] = data.createdAt;
    this.#numbers[n + LAST_SEEN] = data.lastSeenAt;
    this.#numbers[n + SALIENCE] = data.salience;
    this.#numbers[n + FEEDBACK] = data.feedbackScore;
    return { row, replaced, fresh: at === undefined };
  }

  /** Empties the memory's row; returns the row, or undefined when the id has none. */
  remove(id: string): number | undefined {
    const row = this.#rowOf.get(id);
    if (row === undefined) return undefined;
    this.#rowOf.delete(id);
    this.#ids[row] = undefined;
    this.#chars -= this.#content[row]!.length;
    this.#content[row] = '';
    this.#tags[row] = null;
    this.#simhash[row] = null;
    this.#tokensLive -= this.#tokenCount[row]!;
    this.#tokenCount[row] = 0;
    return row;
  }

  /** Drops emptied rows (renumbering the others in order) and the token space they left; returns the old row of each new one. */
  compact(): number[] {
    const live: number[] = [];
    for (let row = 0; row < this.#ids.length; row++) if (this.#ids[row] !== undefined) live.push(row);
    const tokens = new Int32Array(Math.max(1024, this.#tokensLive));
    const tokenAt = new Uint32Array(Math.max(64, live.length));
    const tokenCount = new Uint32Array(tokenAt.length);
    const numbers = new Float64Array(tokenAt.length * NUMBERS);
    let end = 0;
    live.forEach((old, row) => {
      const terms = this.termsAt(old);
      tokens.set(terms, end);
      tokenAt[row] = end;
      tokenCount[row] = terms.length;
      end += terms.length;
      numbers.set(this.#numbers.subarray(old * NUMBERS, (old + 1) * NUMBERS), row * NUMBERS);
      this.#rowOf.set(this.#ids[old]!, row);
    });
    const pick = <T>(column: T[]) => live.map((old) => column[old]!);
    this.#ids = pick(this.#ids);
    this.#content = pick(this.#content);
    this.#sector = pick(this.#sector);
    this.#simhash = pick(this.#simhash);
    this.#tags = pick(this.#tags);
    this.#meta = pick(this.#meta);
    [this.#tokens, this.#tokenAt, this.#tokenCount, this.#numbers, this.#tokensEnd] = [
      tokens,
      tokenAt,
      tokenCount,
      numbers,
      end,
    ];
    return live;
  }

  #setTokens(row: number, tokens: readonly string[]): void {
    // Replaced tokens stay behind in the buffer until it fills twice over with them.
    if (this.#tokensEnd + tokens.length > this.#tokens.length && this.#tokensEnd > 2 * this.#tokensLive)
      this.#packTokens();
    this.#tokens = grown(this.#tokens, this.#tokensEnd + tokens.length);
    this.#tokenAt[row] = this.#tokensEnd;
    this.#tokenCount[row] = tokens.length;
    for (const t of tokens) this.#tokens[this.#tokensEnd++] = this.vocabulary.id(t);
    this.#tokensLive += tokens.length;
  }

  #packTokens(): void {
    const packed = new Int32Array(Math.max(1024, 2 * this.#tokensLive));
    let end = 0;
    for (let row = 0; row < this.#ids.length; row++) {
      const terms = this.termsAt(row);
      packed.set(terms, end);
      this.#tokenAt[row] = end;
      end += terms.length;
    }
    this.#tokens = packed;
    this.#tokensEnd = end;
  }
}
