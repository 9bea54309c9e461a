/** Concurrency runner, latency statistics and the HTTP client of the benchmarks. */
import net from 'node:net';

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  qps: number;
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight; returns per-task latency (ms) and wall time. */
export async function runConcurrent(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<{ latencies: number[]; wallMs: number }> {
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
    max: round(sorted.at(-1) ?? 0),
    mean: round(sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length)),
    qps: round((sorted.length * 1000) / wallMs),
  };
}

/**
 * A kept-alive HTTP/1.1 connection that sends one request at a time and reads the answer by its
 * Content-Length (what the server sends): the load generator shares the machine's cores with the
 * server, and node:http's client cost it 0.2 ms of CPU a request, a sixth of the server's.
 */
class Connection {
  #socket: net.Socket | null = null;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: { resolve(r: { status: number; body: string }): void; reject(err: Error): void } | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  request(method: string, path: string, body: string): Promise<{ status: number; body: string }> {
    const socket = (this.#socket ??= this.#connect());
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      // One write: a request in two segments costs both sides a system call more.
      socket.write(
        `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
  }

  #connect(): net.Socket {
    const socket = net.connect(this.port, this.host);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    // The server closes idle connections: the next request opens another.
    const gone = (err?: Error) => {
      if (this.#socket === socket) this.#socket = null;
      this.#buffer = Buffer.alloc(0);
      this.#waiting?.reject(err ?? new Error('the server closed the connection'));
      this.#waiting = null;
    };
    socket.on('error', gone);
    socket.on('close', () => gone());
    return socket;
  }

  #parse(): void {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.#waiting) return;
    const head = this.#buffer.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
    if (!Number.isFinite(length)) {
      this.#socket?.destroy(new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    if (this.#buffer.length < end + 4 + length) return;
    const status = Number(head.slice(9, 12));
    const body = this.#buffer.toString('utf8', end + 4, end + 4 + length);
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting.resolve({ status, body });
  }
}

/** Idle connections by server address: a request takes one, or opens one, and gives it back. */
const idle = new Map<string, Connection[]>();

export async function postJson<T>(base: string, path: string, body: unknown): Promise<T> {
  const url = new URL(path, base);
  const pool = idle.get(url.host) ?? idle.set(url.host, []).get(url.host)!;
  const connection = pool.pop() ?? new Connection(url.hostname, Number(url.port));
  const res = await connection.request('POST', url.pathname, JSON.stringify(body));
  pool.push(connection);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as T;
}
