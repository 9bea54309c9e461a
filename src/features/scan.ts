/** Pages through one user's memories (bounded) keeping those a predicate accepts. */
import type { ListInput, MemoryEngine, MemoryView } from '../engine/api.js';
import type { UserScope } from '../store/scope.js';

const PAGE = 500;

export async function scanMemories(
  engine: MemoryEngine,
  scope: UserScope,
  list: Omit<ListInput, 'limit' | 'offset'>,
  keep: (m: MemoryView) => boolean,
  options: { want?: number; maxScan?: number } = {},
): Promise<MemoryView[]> {
  const want = options.want ?? Infinity;
  const maxScan = options.maxScan ?? 10_000;
  const found: MemoryView[] = [];
  for (let offset = 0; found.length < want && offset < maxScan; offset += PAGE) {
    const page = await engine.list(scope, { ...list, limit: PAGE, offset });
    found.push(...page.filter(keep));
    if (page.length < PAGE) break;
  }
  return found.slice(0, want);
}
