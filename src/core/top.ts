/** Bounded selection of the best few of many scored items, without sorting them all. */

/** The `k` items with the highest score, best first; equal scores: lower key first. */
export function topByScore<T>(
  items: Iterable<T>,
  k: number,
  score: (item: T) => number,
  key: (item: T) => string,
): T[] {
  const top: T[] = [];
  const scores: number[] = [];
  if (k <= 0) return top;
  for (const item of items) {
    const s = score(item);
    const full = top.length === k;
    if (full && (s < scores[k - 1]! || (s === scores[k - 1]! && key(item) >= key(top[k - 1]!)))) continue;
    let at = full ? k - 1 : top.length;
    if (!full) {
      top.push(item);
      scores.push(s);
    }
    for (; at > 0 && (s > scores[at - 1]! || (s === scores[at - 1]! && key(item) < key(top[at - 1]!))); at--) {
      top[at] = top[at - 1]!;
      scores[at] = scores[at - 1]!;
    }
    top[at] = item;
    scores[at] = s;
  }
  return top;
}
