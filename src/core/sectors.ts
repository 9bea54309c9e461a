/**
 * The five memory sectors of v1.2 (reference §5.1, §5.10): decay rate, weight, the
 * keyword cues that classify text into them, and the tables the query scorer uses.
 */
import { SECTORS, type Sector } from './types.js';

export interface Cue {
  pattern: RegExp;
  /** v1.2 scores a matching cue as (1 + capture groups) × sector weight; kept as an explicit factor. */
  factor: number;
}

export interface SectorConfig {
  /** Decay rate per day. */
  lambda: number;
  weight: number;
  /** v1.2's internal model label (shown by /sectors). */
  model: string;
  cues: readonly Cue[];
  /** Scale of this sector's features in the synthetic embedding (§5.5). */
  embedFactor: number;
  /** Weight of a memory vector of this sector when the query's primary sector is / is not this one (§5.10). */
  queryWeight: { match: number; other: number };
}

const words = (...alternatives: string[]) =>
  new RegExp(`\\b(?:${alternatives.map((a) => a.replace(/ /g, '\\s+')).join('|')})\\b`, 'i');

export const SECTOR_CONFIGS: Readonly<Record<Sector, SectorConfig>> = Object.freeze({
  episodic: {
    lambda: 0.015,
    weight: 1.2,
    model: 'episodic-optimized',
    embedFactor: 1.3,
    queryWeight: { match: 1.4, other: 0.7 },
    cues: [
      { pattern: words('today', 'yesterday', 'last week', 'remember when', 'that time'), factor: 2 },
      { pattern: /\bI\s+(?:did|went|saw|met|felt)\b/i, factor: 3 },
      { pattern: /\b(?:at\s+\d{1,2}:\d{2}|on\s+\w+day|in\s+\d{4})\b/i, factor: 2 },
      { pattern: words('happened', 'occurred', 'experience', 'event', 'moment'), factor: 2 },
    ],
  },
  semantic: {
    lambda: 0.005,
    weight: 1.0,
    model: 'semantic-optimized',
    embedFactor: 1.0,
    queryWeight: { match: 1.2, other: 0.8 },
    cues: [
      { pattern: words('define', 'definition', 'meaning', 'concept', 'theory'), factor: 2 },
      { pattern: words('what is', 'how does', 'why do', 'facts? about'), factor: 2 },
      { pattern: words('principle', 'rule', 'law', 'algorithm', 'method'), factor: 2 },
      { pattern: words('knowledge', 'information', 'data', 'research', 'study'), factor: 2 },
    ],
  },
  procedural: {
    lambda: 0.008,
    weight: 1.1,
    model: 'procedural-optimized',
    embedFactor: 1.2,
    queryWeight: { match: 1.3, other: 0.7 },
    cues: [
      { pattern: words('how to', 'step by step', 'procedure', 'process'), factor: 2 },
      { pattern: words('first', 'then', 'next', 'finally', 'afterwards'), factor: 2 },
      { pattern: words('install', 'configure', 'setup', 'run', 'execute'), factor: 2 },
      { pattern: words('tutorial', 'guide', 'instructions', 'manual'), factor: 2 },
      { pattern: words('click', 'press', 'type', 'enter', 'select'), factor: 2 },
    ],
  },
  emotional: {
    lambda: 0.02,
    weight: 1.3,
    model: 'emotional-optimized',
    embedFactor: 1.4,
    queryWeight: { match: 1.5, other: 0.6 },
    cues: [
      { pattern: words('feel', 'feeling', 'felt', 'emotion', 'mood'), factor: 2 },
      { pattern: words('happy', 'sad', 'angry', 'excited', 'worried', 'anxious', 'calm'), factor: 2 },
      { pattern: words('love', 'hate', 'like', 'dislike', 'enjoy', 'fear'), factor: 2 },
      { pattern: words('amazing', 'terrible', 'wonderful', 'awful', 'fantastic', 'horrible'), factor: 2 },
      { pattern: /!{2,}|[?!]{2,}/, factor: 1 },
    ],
  },
  reflective: {
    lambda: 0.001,
    weight: 0.8,
    model: 'reflective-optimized',
    embedFactor: 0.9,
    queryWeight: { match: 1.1, other: 0.5 },
    cues: [
      { pattern: words('think', 'thinking', 'thought', 'reflect', 'reflection'), factor: 2 },
      { pattern: words('realize', 'understand', 'insight', 'conclusion', 'lesson'), factor: 2 },
      { pattern: words('why', 'purpose', 'meaning', 'significance', 'impact'), factor: 2 },
      { pattern: words('philosophy', 'wisdom', 'belief', 'value', 'principle'), factor: 2 },
      { pattern: words('should have', 'could have', 'if only', 'what if'), factor: 2 },
    ],
  },
});

/** Resonance between a memory's primary sector (row) and the query's (column), in SECTORS order. */
const RESONANCE: readonly (readonly number[])[] = [
  [1.0, 0.7, 0.3, 0.6, 0.6],
  [0.7, 1.0, 0.4, 0.7, 0.8],
  [0.3, 0.4, 1.0, 0.5, 0.2],
  [0.6, 0.7, 0.5, 1.0, 0.8],
  [0.6, 0.8, 0.2, 0.8, 1.0],
];

/** Unknown sectors (upgraded garbage rows) resonate like semantic. */
export function resonance(memorySector: string, querySector: Sector): number {
  const row = SECTORS.indexOf(memorySector as Sector);
  return RESONANCE[row < 0 ? 1 : row]![SECTORS.indexOf(querySector)]!;
}

export function sectorLambda(sector: string): number {
  return (SECTOR_CONFIGS as Record<string, SectorConfig | undefined>)[sector]?.lambda ?? SECTOR_CONFIGS.semantic.lambda;
}
