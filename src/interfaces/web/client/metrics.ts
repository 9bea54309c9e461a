/** Reads the figures the overview shows out of the server's Prometheus text (/metrics). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export function requestFigures(samples: Sample[]) {
  const sum = (name: string, keep: (s: Sample) => boolean = () => true) =>
    samples.filter((s) => s.name === name && keep(s)).reduce((a, s) => a + s.value, 0);
  const total = sum('om_http_requests_total');
  const errors = sum('om_http_requests_total', (s) => (s.labels.status ?? '').startsWith('5'));
  const seconds = sum('om_http_request_duration_seconds_sum');
  const counts = new Map<string, { n: number; s: number }>();
  for (const s of samples) {
    const route = s.labels.route;
    if (!route) continue;
    const r = counts.get(route) ?? { n: 0, s: 0 };
    if (s.name === 'om_http_request_duration_seconds_count') r.n += s.value;
    if (s.name === 'om_http_request_duration_seconds_sum') r.s += s.value;
    counts.set(route, r);
  }
  const routes = [...counts]
    .filter(([, r]) => r.n > 0)
    .map(([route, r]) => ({ route, count: r.n, meanMs: (r.s / r.n) * 1000 }))
    .sort((a, b) => b.count - a.count);
  const count = sum('om_http_request_duration_seconds_count');
  return { total, errors, meanMs: count ? (seconds / count) * 1000 : 0, routes };
}

/** The users' models the engine holds in memory (om_user_model_*), in MB, and the loads so far. */
export function modelFigures(samples: Sample[]) {
  const value = (name: string) => samples.find((s) => s.name === name)?.value ?? 0;
  const loads = value('om_user_model_loads');
  return {
    users: value('om_user_models'),
    usedMb: value('om_user_model_bytes') / 2 ** 20,
    budgetMb: value('om_user_model_budget_bytes') / 2 ** 20,
    loads,
    meanLoadMs: loads ? (value('om_user_model_load_seconds_total') / loads) * 1000 : 0,
    evictions: value('om_user_model_evictions'),
  };
}
