/** A local HTTP server with fixed pages, for URL-ingestion tests (no network). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Page {
  status?: number;
  type: string;
  body: string | Buffer;
  /** Never finish the response (timeout tests). */
  hang?: boolean;
  /** Answer 302 to this path. */
  redirect?: string;
}

export async function servePages(pages: Record<string, Page>): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const page = pages[req.url ?? ''];
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('missing');
      return;
    }
    if (page.redirect) {
      res.writeHead(302, { location: page.redirect }).end();
      return;
    }
    res.writeHead(page.status ?? 200, { 'content-type': page.type });
    if (page.hang) {
      res.write('<html>');
      return;
    }
    res.end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
