/**
 * Terms numbered in order of first sight: texts held as term ids are compared by number, and a
 * query's keywords are matched against a memory's ids without rebuilding its token strings.
 */

/**
 * Numbers attached to term ids for one pass over candidates (0: none yet). A memo: a mark may be
 * lost to a pass begun later on the same vocabulary (it then reads 0 again), never read as another
 * pass's.
 */
export interface TermMarks {
  get(id: number): number;
  set(id: number, value: number): void;
}

/** Looking terms up without adding them (what scoring against a user's vocabulary needs). */
export interface TermLookup {
  /** The term's id, if the vocabulary holds it. */
  find(term: string): number | undefined;
  term(id: number): string;
  /** Marks that start empty: each pass (a query) gets its own. */
  marks(): TermMarks;
}

/** Terms by id and ids by term; an id is never reused, so stored ids stay valid. */
export class Vocabulary implements TermLookup {
  readonly #ids = new Map<string, number>();
  readonly #terms: string[] = [];
  /**
   * The marks of all passes share two arrays, told apart by a pass number stamped beside each
   * value: a pass starts empty without an array the size of the vocabulary (100,000 terms for a
   * user of 100,000 memories) or a clearing.
   */
  #stamps = new Uint32Array(0);
  #values = new Int32Array(0);
  #pass = 0;

  /** The term's id, assigned on first sight. */
  id(term: string): number {
    let id = this.#ids.get(term);
    if (id === undefined) {
      id = this.#terms.length;
      this.#ids.set(term, id);
      this.#terms.push(term);
    }
    return id;
  }

  find(term: string): number | undefined {
    return this.#ids.get(term);
  }

  term(id: number): string {
    return this.#terms[id]!;
  }

  marks(): TermMarks {
    if (this.#stamps.length < this.#terms.length) {
      const size = Math.ceil(this.#terms.length * 1.25);
      [this.#stamps, this.#values, this.#pass] = [new Uint32Array(size), new Int32Array(size), 0];
    }
    if (this.#pass === 0xffffffff) [this.#stamps, this.#pass] = [new Uint32Array(this.#stamps.length), 0];
    // A pass keeps its own arrays and number: a later pass, or growth, leaves its marks as they were.
    const pass = ++this.#pass;
    const stamps = this.#stamps;
    const values = this.#values;
    return {
      get: (id) => (stamps[id] === pass ? values[id]! : 0),
      set: (id, value) => {
        if (id >= stamps.length) return;
        stamps[id] = pass;
        values[id] = value;
      },
    };
  }

  get bytes(): number {
    return this.#terms.length * 64 + this.#stamps.byteLength + this.#values.byteLength;
  }
}
