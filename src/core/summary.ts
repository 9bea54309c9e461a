/** The deterministic user summary of reference §5.14 (no LLM). */
import { greedyClusters, type Clusterable } from './cluster.js';

export interface SummaryItem extends Clusterable {
  content: string;
  salience: number;
  createdAt: number;
  updatedAt: number;
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
export const PATTERN_SIMILARITY = 0.75;
export const EMPTY_SUMMARY = 'new user with no memories yet';

const preview = (text: string, n: number): string => text.replace(/\s+/g, ' ').trim().slice(0, n);

function patternSalience(cluster: readonly SummaryItem[], now: number): number {
  const fresh =
    cluster.reduce((s, m) => s + Math.exp(-Math.max(0, now - m.createdAt) / (12 * HOUR_MS)), 0) / cluster.length;
  const emotional = cluster.some((m) => m.primarySector === 'emotional') ? 0.1 : 0;
  return Math.min(1, 0.06 * cluster.length + 0.3 * fresh + emotional);
}

/** `<N> memories, <C> patterns | <activity> | avg_sal=<x.xx> | top: <pattern> | ...` over the given (newest) memories. */
export function userSummaryText(items: readonly SummaryItem[], now: number): string {
  if (items.length === 0) return EMPTY_SUMMARY;
  const clusters = greedyClusters(items, PATTERN_SIMILARITY);
  const recent = items.filter((m) => now - m.updatedAt <= WEEK_MS).length;
  const activity = recent > 10 ? 'active' : recent > 3 ? 'moderate' : 'low';
  const avg = items.reduce((s, m) => s + m.salience, 0) / items.length;
  const top = clusters.slice(0, 5).map((c) => {
    const seed = c[0]!;
    return `${seed.primarySector}(${c.length}, sal=${patternSalience(c, now).toFixed(2)}): "${preview(seed.content, 40)}..."`;
  });
  return [
    `${items.length} memories, ${clusters.length} patterns`,
    activity,
    `avg_sal=${avg.toFixed(2)}`,
    `top: ${top.join(' | ')}`,
  ].join(' | ');
}
