/**
 * Terms numbered in order of first sight: texts held as term ids are compared by number, and a
 * query's keywords are matched against a memory's ids without rebuilding its token strings.
 */

/** Looking terms up without adding them (what scoring against a user's vocabulary needs). */
export interface TermLookup {
  /** The term's id, if the vocabulary holds it. */
  find(term: string): number | undefined;
  term(id: number): string;
  /** Terms held: ids run from 0 to `size - 1`. */
  readonly size: number;
}

/** Terms by id and ids by term; an id is never reused, so stored ids stay valid. */
export class Vocabulary implements TermLookup {
  readonly #ids = new Map<string, number>();
  readonly #terms: string[] = [];

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

  get size(): number {
    return this.#terms.length;
  }

  get bytes(): number {
    return this.#terms.length * 64;
  }
}
