/** Request counters and latency histograms, rendered in the Prometheus text format. */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export interface Gauge {
  name: string;
  help: string;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

export class HttpMetrics {
  #requests = new Map<string, number>();
  #latency = new Map<string, Histogram>();
  #recent: number[] = [];
  total = 0;
  errors = 0;

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const hKey = `${method}\u0000${route}`;
    let h = this.#latency.get(hKey);
    if (!h) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#latency.set(hKey, h);
    }
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.counts[i]! += 1;
    });
    h.sum += seconds;
    h.count += 1;
    this.total += 1;
    if (status >= 500) this.errors += 1;
    const now = Date.now();
    this.#recent.push(now);
    while (this.#recent.length > 0 && this.#recent[0]! < now - 3_600_000) this.#recent.shift();
  }

  lastHour(): number {
    return this.#recent.length;
  }

  render(gauges: Gauge[] = []): string {
    const out: string[] = [
      '# HELP om_http_requests_total HTTP requests by method, route and status.',
      '# TYPE om_http_requests_total counter',
    ];
    for (const [key, n] of this.#requests) {
      const [method, route, status] = key.split('\u0000');
      out.push(`om_http_requests_total{method="${method}",route="${label(route!)}",status="${status}"} ${n}`);
    }
    out.push(
      '# HELP om_http_request_duration_seconds HTTP request latency.',
      '# TYPE om_http_request_duration_seconds histogram',
    );
    for (const [key, h] of this.#latency) {
      const [method, route] = key.split('\u0000');
      const l = `method="${method}",route="${label(route!)}"`;
      BUCKETS.forEach((b, i) => out.push(`om_http_request_duration_seconds_bucket{${l},le="${b}"} ${h.counts[i]}`));
      out.push(`om_http_request_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`);
      out.push(
        `om_http_request_duration_seconds_sum{${l}} ${h.sum}`,
        `om_http_request_duration_seconds_count{${l}} ${h.count}`,
      );
    }
    for (const g of gauges) {
      out.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
      for (const s of g.samples) {
        const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${label(v)}"`);
        out.push(`${g.name}${labels.length ? `{${labels.join(',')}}` : ''} ${s.value}`);
      }
    }
    return `${out.join('\n')}\n`;
  }
}
