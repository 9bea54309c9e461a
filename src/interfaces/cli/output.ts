/** What commands print: JSON for scripts (`--json`), aligned tables and short lines for people. */
import type { Io } from './io.js';

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export const isoTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '-' : new Date(ms).toISOString();

/** `1 memory`, `2 memories`. */
export const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export const fixed = (n: number, digits = 3): string => n.toFixed(digits);

/** Left-aligned columns separated by two spaces; a lone line when there are no rows. */
export function printTable(io: Io, header: string[], rows: string[][], empty = '(none)'): void {
  if (rows.length === 0) {
    io.out(empty);
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  io.out(line(header));
  for (const r of rows) io.out(line(r));
}

/** `key: value` lines for one record. */
export function printRecord(io: Io, record: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  for (const [k, v] of Object.entries(record)) {
    io.out(`${k.padEnd(width)}  ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
}
