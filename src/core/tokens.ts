/**
 * Canonical tokens (reference §5.9): Latin words are lower-cased, lightly stemmed and folded
 * onto the first word of their synonym group. Unlike v1.2 (ASCII only), other scripts still
 * produce tokens: letter runs of any script, each CJK character plus CJK bigrams (those
 * scripts do not separate words), and each emoji — so such texts neither vanish nor collide.
 */
import { stemWord } from './stem.js';

const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['prefer', 'like', 'love', 'enjoy', 'favor'],
  ['theme', 'mode', 'style', 'layout'],
  ['meeting', 'meet', 'session', 'call', 'sync'],
  ['dark', 'night', 'black'],
  ['light', 'bright', 'day'],
  ['user', 'person', 'people', 'customer'],
  ['task', 'todo', 'job'],
  ['note', 'memo', 'reminder'],
  ['time', 'schedule', 'when', 'date'],
  ['project', 'initiative', 'plan'],
  ['issue', 'problem', 'bug'],
  ['document', 'doc', 'file'],
  ['question', 'query', 'ask'],
];

const CANONICAL = new Map<string, string>();
for (const group of SYNONYM_GROUPS) for (const word of group) CANONICAL.set(word, group[0]!);

/** Every member of the token's synonym group (the token alone when it has none). */
export function synonymsOf(token: string): readonly string[] {
  const canon = CANONICAL.get(token);
  return SYNONYM_GROUPS.find((g) => g[0] === canon) ?? [token];
}

/** Suffix → replacement, first match wins; `s` is not stripped after another `s` ("class"). */
const STEM_RULES: ReadonlyArray<readonly [string, string]> = [
  ['ies', 'y'],
  ['ing', ''],
  ['ers', 'er'],
  ['ed', ''],
  ['s', ''],
];

export function stem(word: string): string {
  if (word.length <= 3) return word;
  for (const [suffix, replacement] of STEM_RULES) {
    if (!word.endsWith(suffix) || (suffix === 's' && word.endsWith('ss'))) continue;
    const stemmed = word.slice(0, word.length - suffix.length) + replacement;
    return stemmed.length >= 3 ? stemmed : word;
  }
  return word;
}

/**
 * How words become tokens. `folded` and `exact` (synonyms kept apart, for deduplication) are the
 * forms stored values derive from (synthetic vectors, fingerprints): they keep the light stemmer
 * above so those values stay comparable across versions. `terms` is what the user's lexical index
 * and the keyword score read, built in process from the text: the fuller stemmer of ./stem.ts,
 * then synonym groups.
 */
export type WordForm = 'folded' | 'exact' | 'terms';

function formOf(word: string, form: WordForm): string {
  const light = stem(word);
  // Function words are not stemmed for the index ("was" is no form of "wa").
  if (form === 'exact' || (form === 'terms' && (FUNCTION_WORDS.has(word) || STOPWORDS.has(light)))) return light;
  const folded = CANONICAL.get(word) ?? CANONICAL.get(light);
  if (folded !== undefined) return folded;
  return form === 'folded' ? light : stemWord(word);
}

/** Canonical forms of words seen so far, per form: texts repeat their words, and scoring a query tokenizes dozens of texts. */
const WORD_MEMO: Record<WordForm, Map<string, string>> = { folded: new Map(), exact: new Map(), terms: new Map() };
const WORD_MEMO_LIMIT = 50_000;
const MEMO_WORD_MAX = 40;

function canonicalWord(word: string, form: WordForm): string {
  const memo = WORD_MEMO[form];
  let canon = memo.get(word);
  if (canon === undefined) {
    canon = formOf(word, form);
    if (word.length > MEMO_WORD_MAX) return canon;
    if (memo.size >= WORD_MEMO_LIMIT) memo.clear();
    memo.set(word, canon);
  }
  return canon;
}

const RUN = /[\p{L}\p{M}\p{N}]+|\p{Extended_Pictographic}/gu;
const CJK_SPLIT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const ASCII_WORD = /^[a-z0-9]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, control characters included
const ASCII_TEXT = /^[\x00-\x7f]*$/;
const ASCII_RUN = /[a-z0-9]+/g;
const EMOJI = /^\p{Extended_Pictographic}$/u;

function pushCjk(out: string[], run: string): void {
  const chars = Array.from(run);
  chars.forEach((c, i) => {
    out.push(c);
    if (i > 0) out.push(chars[i - 1]! + c);
  });
}

/**
 * Canonical tokens in text order (repetitions kept). `fold: false` keeps synonyms apart
 * (deduplication must not merge "likes tea" into "loves tea").
 */
export function canonicalTokens(text: string, fold = true): string[] {
  return tokensOf(text, fold ? 'folded' : 'exact');
}

/** The tokens of the user's lexical index (BM25, keyword score, overlap): see {@link WordForm}. */
export function termTokens(text: string): string[] {
  return tokensOf(text, 'terms');
}

function tokensOf(text: string, form: WordForm): string[] {
  const out: string[] = [];
  // ASCII is its own NFKC form and holds no marks, emoji or CJK: its runs are plain words.
  if (ASCII_TEXT.test(text)) {
    for (const word of text.toLowerCase().match(ASCII_RUN) ?? []) pushWord(out, word, form);
    return out;
  }
  for (const run of text.normalize('NFKC').toLowerCase().match(RUN) ?? []) {
    if (EMOJI.test(run)) {
      out.push(run);
      continue;
    }
    for (const part of run.match(CJK_SPLIT) ?? []) {
      if (CJK.test(part)) pushCjk(out, part);
      else if (ASCII_WORD.test(part)) pushWord(out, part, form);
      else if (Array.from(part).length >= 2 || /\p{N}/u.test(part)) out.push(part);
    }
  }
  return out;
}

function pushWord(out: string[], word: string, form: WordForm): void {
  const token = canonicalWord(word, form);
  // Single letters say nothing, but a single digit is often the fact itself ("3 bags").
  if (token.length >= 2 || (token.length === 1 && token >= '0' && token <= '9')) out.push(token);
}

export function tokenSet(text: string, fold = true): Set<string> {
  return new Set(canonicalTokens(text, fold));
}

/**
 * Function words (canonical forms) carry little meaning; matching them says nothing about relevance.
 * Synthetic vectors weigh them down, so this list is part of what stored vectors mean: extend
 * {@link FUNCTION_WORDS} instead.
 */
const STOPWORDS = new Set(
  (
    'the a an and or but of to in on at for from by with about as is are was were be been am it its this that these those ' +
    'my your his her our their me him us them you he she we they what which who whom whose where how why do doe did ' +
    'has have had not no so than too very can will would should could there here into over under up down out off ' +
    'all any some each just also only then if while'
  ).split(' '),
);

export const isStopword = (token: string): boolean => STOPWORDS.has(token);

/** More function words the lexical index leaves out of a query's counted terms, as written (before any folding). */
const FUNCTION_WORDS = new Set(
  (
    'when whenever ever being does doing i im ive id ill youre youve youll hes shes its were weve theyre theyve lets ' +
    'mine yours hers ours theirs myself yourself himself herself itself ourselves themselves ' +
    'because until since though although either neither nor yet again once more most other such same own ' +
    'get got gets really oh yeah hey hi yes okay ok well much many lot lots thing things something anything ' +
    'may might must shall let would also am being both few further having nor per via'
  ).split(' '),
);

/** A function word for the lexical index: {@link isStopword} or one of {@link FUNCTION_WORDS}. */
export const isFunctionWord = (token: string): boolean => STOPWORDS.has(token) || FUNCTION_WORDS.has(token);

/** The query tokens that overlap counts (v1.2's overlap term): its content words, or all its tokens when it has none. */
export function overlapTokens(query: Iterable<string>): string[] {
  const all = [...new Set(query)];
  const content = all.filter((t) => !isFunctionWord(t));
  return content.length > 0 ? content : all;
}

/**
 * Share of the `counted` query tokens (see {@link overlapTokens}) found among a memory's tokens:
 * both as strings, or both as ids in one vocabulary.
 */
export function overlapShare<T>(counted: readonly T[], memoryTokens: ArrayLike<T>): number {
  if (counted.length === 0) return 0;
  let found = 0;
  for (const t of counted) {
    for (let i = 0; i < memoryTokens.length; i++) {
      if (memoryTokens[i] === t) {
        found++;
        break;
      }
    }
  }
  return found / counted.length;
}

/** Latin tokens shorter than `minLength` are too common to count as keywords; other scripts always count. */
export function isKeyword(token: string, minLength: number): boolean {
  return token.length >= minLength || !ASCII_WORD.test(token);
}
