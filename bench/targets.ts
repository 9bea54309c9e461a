/** Issue 8's targets, checked against the figures of a benchmark run. */

export interface ScenarioFigures {
  backend: string;
  scenario: string;
  ingest: { batch_per_sec: number; single_c8_per_sec: number | undefined };
  query: Record<string, { p50: number; p99: number; qps: number } | undefined>;
  recall: { at5: number };
  cross_user_results: number;
  server_peak_rss_mb: number;
  db_bytes_per_memory_beyond_vectors: number;
}

interface Target {
  what: string;
  /** Which results it applies to. */
  applies: (r: ScenarioFigures) => boolean;
  value: (r: ScenarioFigures) => number;
  limit: number;
  /** `max`: the value must not exceed the limit; `min`: must reach it. */
  kind: 'max' | 'min';
}

const at100k = (backend: string) => (r: ScenarioFigures) => r.backend === backend && r.scenario.startsWith('100k');
const any = () => true;

const TARGETS: Target[] = [
  { what: 'query p50 ms, c1', applies: at100k('sqlite'), value: (r) => r.query.c1!.p50, limit: 3, kind: 'max' },
  { what: 'query p99 ms, c1', applies: at100k('sqlite'), value: (r) => r.query.c1!.p99, limit: 20, kind: 'max' },
  { what: 'queries/s at c8', applies: at100k('sqlite'), value: (r) => r.query.c8!.qps, limit: 1500, kind: 'min' },
  { what: 'query p50 ms, c1', applies: at100k('postgres'), value: (r) => r.query.c1!.p50, limit: 6, kind: 'max' },
  {
    what: 'query p50 ms, c1',
    applies: (r) => r.scenario.startsWith('heavy'),
    value: (r) => r.query.c1!.p50,
    limit: 15,
    kind: 'max',
  },
  { what: 'single adds/s at c8', applies: any, value: (r) => r.ingest.single_c8_per_sec ?? 0, limit: 300, kind: 'min' },
  { what: 'batch adds/s', applies: any, value: (r) => r.ingest.batch_per_sec, limit: 1000, kind: 'min' },
  { what: 'recall@5', applies: any, value: (r) => r.recall.at5, limit: 0.95, kind: 'min' },
  { what: 'cross-user results', applies: any, value: (r) => r.cross_user_results, limit: 0, kind: 'max' },
  {
    what: 'server peak RSS MB',
    applies: (r) => r.scenario.startsWith('100k'),
    value: (r) => r.server_peak_rss_mb,
    limit: 500,
    kind: 'max',
  },
  {
    what: 'DB bytes/memory beyond vectors',
    applies: any,
    value: (r) => r.db_bytes_per_memory_beyond_vectors,
    limit: 3072,
    kind: 'max',
  },
];

export interface TargetCheck {
  backend: string;
  scenario: string;
  target: string;
  value: number;
  limit: string;
  met: boolean;
}

export function checkTargets(results: readonly ScenarioFigures[]): TargetCheck[] {
  return results.flatMap((r) =>
    TARGETS.filter((t) => t.applies(r)).map((t) => {
      const value = t.value(r);
      return {
        backend: r.backend,
        scenario: r.scenario,
        target: t.what,
        value,
        limit: `${t.kind === 'max' ? '<=' : '>='} ${t.limit}`,
        met: t.kind === 'max' ? value <= t.limit : value >= t.limit,
      };
    }),
  );
}
