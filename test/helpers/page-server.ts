/** A local HTTP server with fixed pages, for URL-ingestion tests (no network). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Page {
  status?: number;
  type: string;
  body: string | Buffer;
  /** Never finish the response (timeout tests). */
  hang?: boolean;
  /** Answer 302 to this path or URL. */
  redirect?: string;
  /** More response headers (content-encoding...). */
  headers?: Record<string, string>;
}

export interface PageServer {
  url: (path: string) => string;
  /** Requests received so far, any path. */
  hits: () => number;
  port: number;
  close: () => Promise<void>;
}

/** `host` is any loopback address (the whole of 127/8 answers locally on Linux); `port` 0 picks a free one. */
export async function servePages(pages: Record<string, Page>, host = '127.0.0.1', port = 0): Promise<PageServer> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const page = pages[req.url ?? ''];
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('missing');
      return;
    }
    if (page.redirect) {
      res.writeHead(302, { location: page.redirect }).end();
      return;
    }
    res.writeHead(page.status ?? 200, { 'content-type': page.type, ...page.headers });
    if (page.hang) {
      res.write('<html>');
      return;
    }
    res.end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://${host}:${bound}${path}`,
    hits: () => hits,
    port: bound,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
