/**
 * A local HTTP server (127.0.0.1, port 0) for provider tests: records every request and lets a
 * test script failures (status, headers, body), delays, or "fail from request K on".
 * Provider wire formats live in ./fake-providers.ts.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  /** Path with query string. */
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  json: any;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as text/plain. */
  body: unknown;
}

export type Handler = (req: Recorded) => Reply;

export interface FakeServer {
  url: string;
  requests: Recorded[];
  /** The next `count` requests get this reply instead of the handler's. */
  failNext(count: number, reply: Reply): void;
  /** Every request after the first `k` (counted from now) gets this reply, until `heal()`. */
  failAfter(k: number, reply: Reply): void;
  heal(): void;
  /** Each answer waits this long (timeouts). */
  delayMs: number;
  /** Most requests that were in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  const scripted: Reply[] = [];
  let failFrom: { at: number; reply: Reply } | null = null;
  let inFlight = 0;
  const fake: FakeServer = {
    url: '',
    requests: [],
    delayMs: 0,
    maxInFlight: 0,
    failNext: (count, reply) => {
      for (let i = 0; i < count; i++) scripted.push(reply);
    },
    failAfter: (k, reply) => {
      failFrom = { at: fake.requests.length + k, reply };
    },
    heal: () => {
      failFrom = null;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = raw ? JSON.parse(raw) : null;
      } catch {
        json = null;
      }
      const rec: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw,
        json,
        at: Date.now(),
      };
      fake.requests.push(rec);
      const reply =
        scripted.shift() ?? (failFrom && fake.requests.length > failFrom.at ? failFrom.reply : null) ?? handler(rec);
      if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
      inFlight--;
      if (res.destroyed) return;
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const type = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
      res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
      res.end(text);
    });
  });
  // Keep-alive sockets from fetch would hold close() open.
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = fake.close;
  fake.close = () => {
    server.closeAllConnections();
    return close();
  };
  return fake;
}

/** Servers a describe block starts; `closeAll` goes in its `after`. */
export function serverPool(): {
  add: <T extends FakeServer>(server: Promise<T>) => Promise<T>;
  closeAll: () => Promise<void>;
} {
  const servers: FakeServer[] = [];
  return {
    add: async (server) => {
      const s = await server;
      servers.push(s);
      return s;
    },
    closeAll: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

/** A deterministic vector for a text (and an optional salt), so tests can check order and content. */
export function fakeVector(text: string, dim: number, salt = ''): number[] {
  const out: number[] = [];
  let block = Buffer.alloc(0);
  for (let i = 0; out.length < dim; i++) {
    if (i % 32 === 0) block = createHash('sha256').update(`${salt}|${text}|${i}`).digest();
    out.push((block[i % 32]! - 127.5) / 127.5);
  }
  return out;
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
