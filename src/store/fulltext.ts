/**
 * Query text → search tokens. Only runs of letters and digits survive, so no full-text syntax
 * (quotes, `*`, `-`, `NEAR`, `:`, `&`, `|`, `!`) can reach the engine; each dialect then quotes
 * the tokens and joins them with OR.
 */
// Marks (\p{M}) belong to their word: without them Indic and other scripts would split mid-word.
const TOKEN = /[\p{L}\p{M}\p{N}]+/gu;
const MAX_TOKENS = 32;

export function searchTokens(query: string): string[] {
  const seen = new Set<string>();
  for (const t of query.normalize('NFKC').toLowerCase().match(TOKEN) ?? []) {
    seen.add(t);
    if (seen.size === MAX_TOKENS) break;
  }
  return [...seen];
}
