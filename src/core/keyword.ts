/**
 * Hybrid keyword score (reference §5.10): exact phrase, weighted keyword overlap (tokens,
 * their character 3-grams, word bigrams and trigrams) and a bounded BM25 term. A query is built
 * once against the vocabulary its candidates' term ids come from; each candidate is then read as
 * ids, and what an id means to the query is worked out once per query, not once per candidate.
 */
import { isKeyword, termTokens } from './tokens.js';
import type { TermLookup, TermMarks } from './vocabulary.js';

const PHRASE = 1.0;
const OVERLAP = 0.8;
const BM25_WEIGHT = 0.5;
const MAX_SCORE = PHRASE + OVERLAP + BM25_WEIGHT;
const MIN_KEPT = 0.05;
const BM25 = { k1: 1.5, b: 0.75, n: 10_000, avgdl: 100 };

/** `counts[i]`: occurrences of the query's term i among the document's `length` tokens. */
function bm25(counts: Uint16Array, length: number): number {
  const norm = BM25.k1 * (1 - BM25.b + (BM25.b * length) / BM25.avgdl);
  let score = 0;
  for (let i = 0; i < counts.length; i++) {
    const f = counts[i]!;
    if (f === 0) continue;
    const idf = Math.log((BM25.n + 1) / (f + 0.5));
    score += (idf * f * (BM25.k1 + 1)) / (f + norm);
  }
  return score;
}

/** A text with its canonical tokens, so callers scoring many pairs tokenize each text once. */
export interface TokenizedText {
  text: string;
  tokens: readonly string[];
}

export const tokenized = (text: string): TokenizedText => ({ text, tokens: termTokens(text) });

/** A word key: one token (weight 1), or two or three consecutive tokens (weight 2). */
interface WordKey {
  /** Indexes of its tokens in the query's terms, in order. */
  parts: readonly number[];
  weight: number;
}

/** What one of the candidates' term ids is to the query. */
interface TermRole {
  /** A keyword token: it counts in the candidate's length and its sequence of words. */
  keyword: boolean;
  /** Its index among the query's terms, or -1. */
  term: number;
  /** Indexes of the query's grams it holds (grams come from keyword tokens longer than 3). */
  grams: readonly number[];
}

/** One candidate as read by {@link scan}; reused, as candidates are scored one at a time. */
interface Scan {
  /** Occurrences of each query term. */
  counts: Uint16Array;
  /** Which query grams were seen. */
  found: Uint8Array;
  /** The candidate's keyword tokens in text order, each as its query term index or -1. */
  sequence: Int32Array;
  length: number;
  /** Weight of the grams matched. */
  grams: number;
}

/**
 * A query's keywords, built once per query: tokens, their character 3-grams, word bigrams and
 * trigrams (n-grams weigh 2, others 1), each counted once.
 */
export interface KeywordQuery {
  phrase: string;
  minLength: number;
  vocabulary: TermLookup;
  /** Index among the query's terms by term id, for the terms the vocabulary holds. */
  termIndex: ReadonlyMap<number, number>;
  words: readonly WordKey[];
  /** Each gram's index. */
  grams: ReadonlyMap<string, number>;
  /** Marks the {@link gramSlot} of each gram: most of a candidate's 3-grams are ruled out without a string or a lookup. */
  gramSlots: Uint8Array;
  /** Roles of the term ids met so far: `roles[slots.get(id) - 1]` (typed arrays, not a map lookup per token). */
  slots: TermMarks;
  roles: TermRole[];
  scan: Scan;
  total: number;
}

const NONE: readonly number[] = Object.freeze([]);

/** The query's keywords, matched against term ids of `vocabulary` (terms it lacks match nothing). */
export function keywordQuery(query: TokenizedText, minLength: number, vocabulary: TermLookup): KeywordQuery {
  const tokens = query.tokens.filter((t) => isKeyword(t, minLength));
  const terms = [...new Set(tokens)];
  const indexOf = new Map(terms.map((t, i) => [t, i]));
  const termIndex = new Map<number, number>();
  terms.forEach((t, i) => {
    const id = vocabulary.find(t);
    if (id !== undefined) termIndex.set(id, i);
  });
  const words = new Map<string, WordKey>();
  const grams = new Set<string>();
  const word = (parts: string[], weight: number) =>
    words.set(parts.join(' '), { parts: parts.map((p) => indexOf.get(p)!), weight });
  tokens.forEach((t, i) => {
    word([t], 1);
    if (t.length > 3) for (let j = 0; j + 3 <= t.length; j++) grams.add(t.slice(j, j + 3));
    if (i > 0) word([tokens[i - 1]!, t], 2);
    if (i > 1) word([tokens[i - 2]!, tokens[i - 1]!, t], 2);
  });
  let total = grams.size;
  for (const w of words.values()) total += w.weight;
  return {
    phrase: query.text.trim().toLowerCase(),
    minLength,
    vocabulary,
    termIndex,
    words: [...words.values()],
    grams: new Map([...grams].map((g, i) => [g, i])),
    gramSlots: markSlots(grams),
    slots: vocabulary.marks(),
    roles: [],
    scan: {
      counts: new Uint16Array(terms.length),
      found: new Uint8Array(grams.size),
      sequence: new Int32Array(64),
      length: 0,
      grams: 0,
    },
    total,
  };
}

function roleOf(query: KeywordQuery, id: number): TermRole {
  const slot = query.slots.get(id);
  if (slot > 0) return query.roles[slot - 1]!;
  const token = query.vocabulary.term(id);
  const keyword = isKeyword(token, query.minLength);
  const role = {
    keyword,
    term: keyword ? (query.termIndex.get(id) ?? -1) : -1,
    grams: keyword && token.length > 3 && query.grams.size > 0 ? gramsOf(query, token) : NONE,
  };
  query.slots.set(id, query.roles.push(role));
  return role;
}

/** Reads a candidate's term ids into the query's scan. */
function scan(query: KeywordQuery, ids: ArrayLike<number>): Scan {
  const s = query.scan;
  s.counts.fill(0);
  s.found.fill(0);
  if (s.sequence.length < ids.length) s.sequence = new Int32Array(ids.length);
  s.length = 0;
  s.grams = 0;
  for (let i = 0; i < ids.length; i++) {
    const role = roleOf(query, ids[i]!);
    if (!role.keyword) continue;
    s.sequence[s.length++] = role.term;
    if (role.term >= 0) s.counts[role.term]!++;
    // Indexed loops here and below: iterators were most of a query's garbage.
    for (let j = 0; j < role.grams.length; j++) {
      const g = role.grams[j]!;
      s.grams += 1 - s.found[g]!;
      s.found[g] = 1;
    }
  }
  return s;
}

/** Whether `parts` occur one after another in the scanned sequence. */
function holdsRun(s: Scan, parts: readonly number[]): boolean {
  outer: for (let i = 0; i + parts.length <= s.length; i++) {
    for (let j = 0; j < parts.length; j++) if (s.sequence[i + j] !== parts[j]) continue outer;
    return true;
  }
  return false;
}

function overlapOf(query: KeywordQuery, s: Scan): number {
  if (query.total === 0) return 0;
  let matched = s.grams;
  words: for (let i = 0; i < query.words.length; i++) {
    const w = query.words[i]!;
    // A sequence needs each of its tokens: most keys fail here, before any search for the run.
    for (let j = 0; j < w.parts.length; j++) if (s.counts[w.parts[j]!] === 0) continue words;
    if (w.parts.length > 1 && !holdsRun(s, w.parts)) continue;
    matched += w.weight;
  }
  return matched / query.total;
}

/** Matched share of the query's key weight, in [0, 1], for a candidate's term ids. */
export function keywordOverlap(query: KeywordQuery, ids: ArrayLike<number>): number {
  return overlapOf(query, scan(query, ids));
}

const GRAM_SLOTS = 4096;

/** A slot for the 3 characters (code units) at `at`. */
const gramSlot = (text: string, at: number): number =>
  (text.charCodeAt(at) * 961 + text.charCodeAt(at + 1) * 31 + text.charCodeAt(at + 2)) & (GRAM_SLOTS - 1);

function markSlots(grams: Iterable<string>): Uint8Array {
  const slots = new Uint8Array(GRAM_SLOTS);
  for (const g of grams) slots[gramSlot(g, 0)] = 1;
  return slots;
}

/** Indexes of the query grams among the token's own 3-grams. */
function gramsOf(query: KeywordQuery, token: string): readonly number[] {
  let held: number[] | undefined;
  for (let j = 0; j + 3 <= token.length; j++) {
    if (query.gramSlots[gramSlot(token, j)] === 0) continue;
    const i = query.grams.get(token.slice(j, j + 3));
    if (i !== undefined) (held ??= []).push(i);
  }
  return held ?? NONE;
}

/** In [0, 1]: v1.2's raw keyword score divided by its maximum; 0 below v1.2's 0.05 cut-off. */
export function keywordScore(query: KeywordQuery, text: string, ids: ArrayLike<number>): number {
  if (query.phrase.length === 0) return 0;
  let raw = text.toLowerCase().includes(query.phrase) ? PHRASE : 0;
  const s = scan(query, ids);
  raw += OVERLAP * overlapOf(query, s);
  raw += BM25_WEIGHT * Math.min(1, bm25(s.counts, s.length) / 10);
  return raw > MIN_KEPT ? raw / MAX_SCORE : 0;
}
