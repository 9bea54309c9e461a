/** v1.2 content classification (reference §5.2). */
import { SECTOR_CONFIGS } from './sectors.js';
import { SECTORS, isSector, type Sector } from './types.js';

export interface Classification {
  primary: Sector;
  additional: Sector[];
  confidence: number;
}

export function sectorScores(text: string): Record<Sector, number> {
  const scores = {} as Record<Sector, number>;
  for (const sector of SECTORS) {
    const cfg = SECTOR_CONFIGS[sector];
    scores[sector] = cfg.cues.reduce((sum, cue) => (cue.pattern.test(text) ? sum + cue.factor * cfg.weight : sum), 0);
  }
  return scores;
}

/** `forced` (an explicit sector or metadata.sector) wins when it names a sector. */
export function classify(text: string, forced?: unknown): Classification {
  if (isSector(forced)) return { primary: forced, additional: [], confidence: 1 };
  const scores = sectorScores(text);
  // Array.prototype.sort is stable, so ties keep the SECTORS order as v1.2 does.
  const ranked = [...SECTORS].sort((a, b) => scores[b] - scores[a]);
  const top = ranked[0]!;
  const p = scores[top];
  if (p <= 0) return { primary: 'semantic', additional: [], confidence: 0.2 };
  const floor = Math.max(1, 0.3 * p);
  const additional = ranked.slice(1).filter((s) => scores[s] > 0 && scores[s] >= floor);
  const second = scores[ranked[1]!];
  return { primary: top, additional, confidence: Math.min(1, p / (p + second + 1)) };
}

/** Primary first, then the additional sectors. */
export function sectorsOf(c: Classification): Sector[] {
  return [c.primary, ...c.additional];
}
