/**
 * A user model's outgoing links by the rows of their memories, packed: each source's links are
 * a run of entries in two growing buffers (destination rows, weights). An object per link cost
 * about 250 bytes of heap, 25 MB at 100,000 links; this costs 12 bytes a link. A source whose
 * links are replaced by more than it had gets a new run at the end; the runs left behind are
 * reclaimed once they outnumber the live entries.
 */
import type { RowLinks } from '../store.js';
import { grown } from '../grown.js';

const NONE: RowLinks = Object.freeze({ dstRows: new Int32Array(0), weights: new Float64Array(0), start: 0, count: 0 });

export class LinkRows {
  /** Where each source row's run starts, and its length (0: no links). */
  #start = new Int32Array(64);
  #count = new Int32Array(64);
  #dst = new Int32Array(256);
  #weight = new Float64Array(256);
  /** Entries used in the buffers, and of those the live ones. */
  #end = 0;
  #live = 0;

  /** Live links. */
  get size(): number {
    return this.#live;
  }

  get bytes(): number {
    return this.#start.byteLength + this.#count.byteLength + this.#dst.byteLength + this.#weight.byteLength;
  }

  /** The links of source `row` (a view valid until the next change). */
  at(row: number): RowLinks {
    const count = this.#count[row] ?? 0;
    return count === 0 ? NONE : { dstRows: this.#dst, weights: this.#weight, start: this.#start[row]!, count };
  }

  /** Sets the links of source `row`, in the order given (strongest first). */
  set(row: number, links: ReadonlyArray<{ dstRow: number; weight: number }>): void {
    this.#start = grown(this.#start, row + 1);
    this.#count = grown(this.#count, row + 1);
    const had = this.#count[row]!;
    this.#live += links.length - had;
    if (links.length > had) {
      if (this.#end - this.#live > Math.max(1024, this.#live)) this.#pack();
      this.#dst = grown(this.#dst, this.#end + links.length);
      this.#weight = grown(this.#weight, this.#end + links.length);
      this.#start[row] = this.#end;
      this.#end += links.length;
    }
    const at = this.#start[row]!;
    links.forEach((l, i) => {
      this.#dst[at + i] = l.dstRow;
      this.#weight[at + i] = l.weight;
    });
    this.#count[row] = links.length;
  }

  /**
   * After the memories were renumbered (`live[row]` is each new row's old one): the links of the
   * live sources to live destinations, under their new rows.
   */
  renumber(live: readonly number[]): void {
    const renumbered = new Int32Array(Math.max(1, this.#count.length)).fill(-1);
    live.forEach((old, row) => (renumbered[old] = row));
    const next = new LinkRows();
    live.forEach((old, row) => {
      const { dstRows, weights, start, count } = this.at(old);
      const kept: Array<{ dstRow: number; weight: number }> = [];
      for (let i = start; i < start + count; i++)
        if (renumbered[dstRows[i]!]! >= 0) kept.push({ dstRow: renumbered[dstRows[i]!]!, weight: weights[i]! });
      if (kept.length > 0) next.set(row, kept);
    });
    [this.#start, this.#count, this.#dst, this.#weight, this.#end, this.#live] = [
      next.#start,
      next.#count,
      next.#dst,
      next.#weight,
      next.#end,
      next.#live,
    ];
  }

  /** Moves every live run to the front of the buffers. */
  #pack(): void {
    const dst = new Int32Array(Math.max(256, 2 * this.#live));
    const weight = new Float64Array(dst.length);
    let end = 0;
    for (let row = 0; row < this.#count.length; row++) {
      const count = this.#count[row]!;
      if (count === 0) continue;
      dst.set(this.#dst.subarray(this.#start[row]!, this.#start[row]! + count), end);
      weight.set(this.#weight.subarray(this.#start[row]!, this.#start[row]! + count), end);
      this.#start[row] = end;
      end += count;
    }
    [this.#dst, this.#weight, this.#end] = [dst, weight, end];
  }
}
