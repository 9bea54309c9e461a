/**
 * Random operation sequences over several users and the default user. Texts collide on purpose:
 * the same sentence for every user, near-duplicates, synonym-folded twins (same v1.2 simhash),
 * CJK and emoji-only texts, and texts carrying the acting user's secret marker (so a leak of
 * content is visible). Targets are "the n-th memory of user u": often another user's.
 */
import fc from 'fast-check';

/** Index 0 is the default user. */
export const USER_COUNT = 4;

export const SHARED_TEXTS = [
  'The team retrospective is on Thursday at 10:00 in the blue room',
  'I prefer dark mode in every editor',
  'alice loves night layouts',
  'Remember to rotate the deploy key every 90 days',
  'remember to rotate the deploy key every 90 days!',
  '東京で寿司を食べた',
  '数据库迁移完成了',
  '🎉🎉🚀',
  '😀',
  'Ünïcödé café naïve résumé',
  "Robert'); DROP TABLE memories;--",
  '../../etc/passwd',
] as const;

export type TextSpec =
  | { kind: 'shared'; i: number }
  | { kind: 'near'; i: number; suffix: string }
  /** The actor's own secret marker in front of a shared text. */
  | { kind: 'secret'; i: number };

export type Target =
  | { kind: 'owned'; user: number; pick: number }
  | { kind: 'missing' }
  | { kind: 'garbage'; text: string };

export type Op =
  | { op: 'add'; actor: number; text: TextSpec; tags: string[] }
  | { op: 'query'; actor: number; text: TextSpec; k: number }
  | { op: 'list'; actor: number }
  | { op: 'export'; actor: number; pageSize: number }
  | { op: 'get'; actor: number; target: Target }
  | { op: 'update'; actor: number; target: Target; text: TextSpec }
  | { op: 'delete'; actor: number; target: Target }
  | { op: 'reinforce'; actor: number; target: Target }
  | { op: 'summary'; actor: number; regenerate: boolean }
  | { op: 'stats'; actor: number }
  | { op: 'deleteUser'; actor: number }
  | { op: 'job'; job: 'decay' | 'reflect' };

const actor = fc.nat({ max: USER_COUNT - 1 });
/** Biased to the first few texts, so users often hold similar memories (dedup, clusters for reflection). */
const sharedIndex = fc.oneof(
  { weight: 3, arbitrary: fc.nat({ max: 3 }) },
  { weight: 2, arbitrary: fc.nat({ max: SHARED_TEXTS.length - 1 }) },
);

const textSpec: fc.Arbitrary<TextSpec> = fc.oneof(
  { weight: 5, arbitrary: sharedIndex.map((i) => ({ kind: 'shared' as const, i })) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('near' as const),
      i: sharedIndex,
      suffix: fc.constantFrom(' again', '.', ' 2', ' — 東京', ' 🎉'),
    }),
  },
  { weight: 3, arbitrary: sharedIndex.map((i) => ({ kind: 'secret' as const, i })) },
);

const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('owned' as const), user: actor, pick: fc.nat({ max: 50 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      text: fc.constantFrom("' OR 1=1 --", '../../x', 'not-a-uuid', '%00', '*'),
    }),
  },
);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      actor,
      text: textSpec,
      tags: fc.subarray(['work', 'home', '東京', 'x']),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('query' as const),
      actor,
      text: textSpec,
      k: fc.integer({ min: 1, max: 20 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('list' as const), actor }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('export' as const), actor, pageSize: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), actor, target }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('update' as const), actor, target, text: textSpec }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), actor, target }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reinforce' as const), actor, target }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('summary' as const), actor, regenerate: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('stats' as const), actor }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteUser' as const), actor }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('job' as const),
      job: fc.constantFrom('decay' as const, 'reflect' as const),
    }),
  },
);

/** A short sequence: many cheap runs shrink better than few long ones. */
export const opsArb = fc.array(opArb, { minLength: 1, maxLength: 30, size: 'max' });

/** The property seed: `OM_PROP_SEED` replays a reported failure. */
export function propertySeed(): number {
  const fromEnv = process.env.OM_PROP_SEED;
  return fromEnv ? Number(fromEnv) : (Date.now() ^ (process.pid << 8)) >>> 0;
}

export function propertyRuns(defaultRuns: number): number {
  const n = Number(process.env.OM_PROP_RUNS ?? defaultRuns);
  return Number.isInteger(n) && n > 0 ? n : defaultRuns;
}
