/** Concurrency runner, latency statistics and the HTTP client of the benchmarks. */
import http from 'node:http';

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  qps: number;
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight; returns per-task latency (ms) and wall time. */
export async function runConcurrent(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies = new Array<number>(n);
  let next = 0;
  const start = performance.now();
  async function worker() {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      await task(i);
      latencies[i] = performance.now() - t0;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { latencies, wallMs: performance.now() - start };
}

export function stats(latencies: number[], wallMs: number): LatencyStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    mean: round(sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length)),
    qps: round((sorted.length * 1000) / wallMs),
  };
}

/** Kept-alive connections, as a client library would hold them (undici's fetch costs the bench a millisecond a request on a slow core). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function postJson<T>(base: string, path: string, body: unknown): Promise<T> {
  const data = JSON.stringify(body);
  const url = new URL(path, base);
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}: ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text) as T);
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
