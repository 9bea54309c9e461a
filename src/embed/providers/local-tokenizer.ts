/**
 * SentencePiece unigram segmentation over a scored vocabulary (`[piece, log-probability]` pairs,
 * as the Universal Sentence Encoder's `vocab.json` lists them): the segmentation with the highest
 * total score, by dynamic programming over the text. Words start with `▁` (U+2581), as in the
 * vocabulary; a character no piece covers becomes the unknown id 0, at a cost below any piece.
 */
const WORD_START = '\u2581';
export const UNKNOWN_ID = 0;

export type ScoredVocabulary = readonly (readonly [piece: string, score: number])[];

export class UnigramTokenizer {
  readonly #ids = new Map<string, number>();
  /** Every prefix of a piece: extending a candidate stops as soon as no piece starts with it. */
  readonly #prefixes = new Set<string>();
  readonly #scores: Float64Array;
  readonly #maxPieceLength: number;
  readonly #unknownScore: number;

  /** The first `reserved` entries (unknown, `<s>`, `</s>`, ...) are never produced from text. */
  constructor(vocabulary: ScoredVocabulary, reserved = 6) {
    this.#scores = Float64Array.from(vocabulary, ([, score]) => score);
    let longest = 1;
    let lowest = 0;
    for (let id = reserved; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id]!;
      if (!this.#ids.has(piece)) this.#ids.set(piece, id);
      for (let end = 1; end <= piece.length; end++) this.#prefixes.add(piece.slice(0, end));
      longest = Math.max(longest, piece.length);
      lowest = Math.min(lowest, score);
    }
    this.#maxPieceLength = longest;
    this.#unknownScore = lowest - 10;
  }

  encode(text: string): number[] {
    const s = WORD_START + text.normalize('NFKC').trim().split(/\s+/).join(WORD_START);
    const n = s.length;
    // best[i]: score of the best segmentation of s[0, i); it ends with piece id[i] starting at from[i].
    const best = new Float64Array(n + 1).fill(-Infinity);
    const from = new Int32Array(n + 1);
    const id = new Int32Array(n + 1);
    best[0] = 0;
    const relax = (start: number, end: number, pieceId: number, score: number) => {
      if (score > best[end]!) {
        best[end] = score;
        from[end] = start;
        id[end] = pieceId;
      }
    };
    for (let i = 0; i < n; i++) {
      const base = best[i]!;
      if (base === -Infinity) continue;
      const limit = Math.min(n, i + this.#maxPieceLength);
      for (let end = i + 1; end <= limit; end++) {
        const candidate = s.slice(i, end);
        if (!this.#prefixes.has(candidate)) break;
        const pieceId = this.#ids.get(candidate);
        if (pieceId !== undefined) relax(i, end, pieceId, base + this.#scores[pieceId]!);
      }
      // A whole code point, so a surrogate pair is never split.
      relax(i, i + (s.codePointAt(i)! > 0xffff ? 2 : 1), UNKNOWN_ID, base + this.#unknownScore);
    }
    const out: number[] = [];
    for (let end = n; end > 0; end = from[end]!) {
      // Consecutive unknown characters are one unknown token.
      if (!(id[end] === UNKNOWN_ID && out.at(-1) === UNKNOWN_ID)) out.push(id[end]!);
    }
    return out.reverse();
  }
}
