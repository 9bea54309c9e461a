/** Splitting long texts for embedding (reference §5.6). The stored content is never split. */

const SINGLE_CHUNK_TOKENS = 768;
const CHUNK_CHARS = 3072;
const OVERLAP_CHARS = 307;

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

function sentences(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    for (const s of para.split(/(?<=[.!?])\s+/)) {
      const t = s.trim();
      // A sentence longer than a chunk is cut so every chunk respects the budget.
      for (let i = 0; i < t.length; i += CHUNK_CHARS) out.push(t.slice(i, i + CHUNK_CHARS));
    }
  }
  return out.filter((s) => s.length > 0);
}

/** One chunk for short texts; otherwise ≤ 3072-character chunks, each starting with the previous one's 307-character tail. */
export function chunkText(text: string): string[] {
  if (estimateTokens(text) <= SINGLE_CHUNK_TOKENS) return [text];
  const chunks: string[] = [];
  let current = '';
  for (const s of sentences(text)) {
    if (current.length > 0 && current.length + 1 + s.length > CHUNK_CHARS) {
      chunks.push(current);
      const tail = current.slice(-OVERLAP_CHARS);
      current = tail.length + 1 + s.length <= CHUNK_CHARS ? `${tail} ${s}` : s;
    } else {
      current = current.length > 0 ? `${current} ${s}` : s;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
