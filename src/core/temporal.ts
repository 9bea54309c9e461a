/**
 * Temporal facts: (subject, predicate, object) statements that hold from `validFrom` until
 * `validTo` (null while current), as upstream v1.3 introduced them. What a set of one user's
 * facts says at a time, how it changed, and how two times compare — over plain data.
 */

export interface Fact {
  id: string;
  /** `null` is the default user. */
  userId: string | null;
  /** Upstream head's project, kept for facts it wrote; ours are null. */
  projectId: string | null;
  subject: string;
  predicate: string;
  object: string;
  validFrom: number;
  validTo: number | null;
  confidence: number;
  lastUpdated: number;
  metadata: Record<string, unknown> | null;
}

export type ChangeType = 'created' | 'invalidated';

export interface TimelineEntry {
  timestamp: number;
  subject: string;
  predicate: string;
  object: string;
  confidence: number;
  change_type: ChangeType;
}

export interface FactComparison {
  added: Fact[];
  removed: Fact[];
  changed: Array<{ before: Fact; after: Fact }>;
  unchanged: Fact[];
}

/** Holds at `at`: both ends inclusive, as upstream queried. */
export function holdsAt(f: Fact, at: number): boolean {
  return f.validFrom <= at && (f.validTo === null || f.validTo >= at);
}

/**
 * When a fact that starts at `validFrom` closes one that is current: the instant before, so that
 * no time has two values of a (subject, predicate) (upstream closed at the same -1 ms).
 */
export const closedAt = (validFrom: number): number => validFrom - 1;

/** Every creation and invalidation of these facts, oldest first (a stable order for equal times). */
export function timeline(facts: readonly Fact[]): TimelineEntry[] {
  const entries = facts.flatMap((f) => {
    const base = { subject: f.subject, predicate: f.predicate, object: f.object, confidence: f.confidence };
    const created: TimelineEntry = { timestamp: f.validFrom, ...base, change_type: 'created' };
    return f.validTo === null
      ? [created]
      : [created, { timestamp: f.validTo, ...base, change_type: 'invalidated' as const }];
  });
  return entries
    .map((e, i) => [e, i] as const)
    .sort((a, b) => a[0].timestamp - b[0].timestamp || a[1] - b[1])
    .map(([e]) => e);
}

/** The facts of one subject at two times, by predicate: what appeared, went, changed object or stayed. */
export function compareAt(facts: readonly Fact[], time1: number, time2: number): FactComparison {
  const at = (t: number) => {
    const byPredicate = new Map<string, Fact>();
    // The latest-starting fact of a predicate stands for it, as the current one does.
    for (const f of facts) {
      if (holdsAt(f, t) && (byPredicate.get(f.predicate)?.validFrom ?? -Infinity) <= f.validFrom)
        byPredicate.set(f.predicate, f);
    }
    return byPredicate;
  };
  const [before, after] = [at(time1), at(time2)];
  const out: FactComparison = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [predicate, f2] of after) {
    const f1 = before.get(predicate);
    if (!f1) out.added.push(f2);
    else if (f1.id !== f2.id || f1.object !== f2.object) out.changed.push({ before: f1, after: f2 });
    else out.unchanged.push(f2);
  }
  for (const [predicate, f1] of before) if (!after.has(predicate)) out.removed.push(f1);
  return out;
}

/** Upstream's decay: a current fact loses `rate` of its confidence per day since it began, never below the floor. */
export const DECAY_FLOOR = 0.1;
export const DAY_MS = 86_400_000;
