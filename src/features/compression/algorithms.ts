/** The three text compressors of v1.2's compression API, plus the `auto` choice. Pure functions. */

export type Algorithm = 'semantic' | 'syntactic' | 'aggressive';

const FILLERS: Array<[RegExp, string]> = [
  [/\b(?:basically|actually|literally|essentially|really|very|just|quite|simply|totally|definitely)\s+/gi, ''],
  [/\bin order to\b/gi, 'to'],
  [/\b(?:it is important to note that|it should be noted that|needless to say,?)\s*/gi, ''],
  [/\bat this point in time\b/gi, 'now'],
  [/\bdue to the fact that\b/gi, 'because'],
];

const WORDY: Array<[RegExp, string]> = [
  [/\bin the event that\b/gi, 'if'],
  [/\bwith regard to\b/gi, 'about'],
  [/\ba large number of\b/gi, 'many'],
  [/\bfor the purpose of\b/gi, 'for'],
  [/\bin spite of the fact that\b/gi, 'although'],
  [/\bprior to\b/gi, 'before'],
  [/\bsubsequent to\b/gi, 'after'],
];

const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\bdo not\b/gi, "don't"],
  [/\bdoes not\b/gi, "doesn't"],
  [/\bcannot\b/gi, "can't"],
  [/\bwill not\b/gi, "won't"],
  [/\bis not\b/gi, "isn't"],
  [/\bare not\b/gi, "aren't"],
  [/\bit is\b/gi, "it's"],
  [/\bthat is\b/gi, "that's"],
  [/\bI am\b/g, "I'm"],
  [/\byou are\b/gi, "you're"],
  [/\bwe are\b/gi, "we're"],
];

const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/\bjavascript\b/gi, 'JS'],
  [/\btypescript\b/gi, 'TS'],
  [/\bdatabase\b/gi, 'db'],
  [/\bapplication\b/gi, 'app'],
  [/\bconfiguration\b/gi, 'config'],
  [/\bfunction\b/gi, 'fn'],
  [/\bdocumentation\b/gi, 'docs'],
  [/\brepository\b/gi, 'repo'],
  [/\benvironment\b/gi, 'env'],
];

function tidy(text: string): string {
  return text
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ +([.,;:!?])/g, '$1')
    .trim();
}

function dropRepeatedSentences(text: string): string {
  const sentences = text.split(/(?<=[.!?])\s+/);
  const kept = sentences.filter((s, i) => i === 0 || s.trim().toLowerCase() !== sentences[i - 1]!.trim().toLowerCase());
  return kept.join(' ');
}

/** Replacements keep a leading capital, so sentence starts stay sentence starts. */
const keepCase = (match: string, rep: string) =>
  /^[A-Z]/.test(match) && rep ? rep[0]!.toUpperCase() + rep.slice(1) : rep;

const replaceAll = (text: string, table: Array<[RegExp, string]>) =>
  table.reduce((t, [re, rep]) => t.replace(re, (m) => keepCase(m, rep)), text);

export function semantic(text: string): string {
  return tidy(replaceAll(replaceAll(dropRepeatedSentences(text), FILLERS), WORDY));
}

export function syntactic(text: string): string {
  const out = replaceAll(text, CONTRACTIONS)
    .replace(/\s*([{}();])\s*/g, '$1')
    .replace(/\n{3,}/g, '\n\n');
  return tidy(out);
}

export function aggressive(text: string): string {
  const stripped = syntactic(semantic(text))
    .replace(/https?:\/\/([^/\s]+)\S*/g, '$1')
    .replace(/[*_`#>~]+/g, '')
    .replace(/^\s*[-+]\s+/gm, '');
  return tidy(replaceAll(stripped, ABBREVIATIONS));
}

const CODE_OR_URL = /\b(?:function|const|let|var|class|import|export|return|def)\b|=>|https?:\/\//;

/** v1.2's `auto`: short → semantic; code or URLs → aggressive; long prose → semantic; else syntactic. */
export function chooseAlgorithm(text: string): Algorithm {
  if (text.length < 50) return 'semantic';
  if (CODE_OR_URL.test(text)) return 'aggressive';
  if (text.split(/\s+/).filter(Boolean).length > 100) return 'semantic';
  return 'syntactic';
}

export const COMPRESSORS: Record<Algorithm, (text: string) => string> = { semantic, syntactic, aggressive };
