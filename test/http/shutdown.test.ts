/** Graceful shutdown: a request in flight when close() starts still gets its answer; new ones are refused. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { listen } from './harness.js';

test('close() lets an in-flight request finish, then refuses connections and closes the engine', async () => {
  // A page that answers only when told to, so the ingest request is provably in flight.
  let requestArrived!: () => void;
  const arrived = new Promise<void>((r) => (requestArrived = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const page = createServer(async (_req, res) => {
    requestArrived();
    await released;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('notes written during shutdown');
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/notes`;

  const srv = await listen();
  const url = srv.server.url;
  try {
    const pending = fetch(`${url}/memory/ingest/url`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: pageUrl }),
    });
    await arrived;
    const closing = srv.server.close();
    release();
    const res = await pending;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { strategy: string }).strategy, 'single');
    await closing;
    await assert.rejects(fetch(`${url}/health`));
  } finally {
    await srv.close();
    page.close();
  }
});
