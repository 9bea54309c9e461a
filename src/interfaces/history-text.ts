/** A memory's history as lines of text, for the MCP tool and the CLI. */
import type { HistoryView } from '../engine/api.js';

const SHOWN_CHARS = 200;

const clip = (text: string) => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text);

function line(h: HistoryView): string {
  const head = `${new Date(h.at).toISOString()} ${h.event} by ${h.actor}`;
  if (h.event === 'add') return `${head}: ${clip(h.content ?? '')}`;
  if (h.event === 'delete') return `${head} (was: ${clip(h.previous_content ?? '')})`;
  if (h.content !== h.previous_content) return `${head}: ${clip(h.previous_content ?? '')} -> ${clip(h.content ?? '')}`;
  return h.detail ? `${head} ${JSON.stringify(h.detail)}` : head;
}

export function historyText(history: readonly HistoryView[]): string {
  if (history.length === 0) return 'No history recorded for this memory (stored before history was kept).';
  return history.map(line).join('\n');
}
