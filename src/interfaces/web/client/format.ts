/** How values read on the page. */
export const DEFAULT_USER = '@default';

export const userLabel = (id: string | null) => (id === null ? `${DEFAULT_USER} (default user)` : id);

export const num = (n: number) => n.toLocaleString('en-US');

export const fixed = (n: number, digits = 2) => n.toFixed(digits);

export function when(ts: number | string | null | undefined): string {
  if (ts === null || ts === undefined) return '—';
  const d = new Date(Number(ts));
  return Number.isNaN(d.getTime()) ? '—' : `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

export const preview = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** The last `n` UTC days as the server labels them (`YYYY-MM-DD`), oldest first. */
export function lastDays(n: number, now = Date.now()): string[] {
  return Array.from({ length: n }, (_, i) => new Date(now - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
