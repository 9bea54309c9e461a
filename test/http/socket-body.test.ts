/**
 * Bodies read from the Node request on a real socket: JSON in one or many chunks, the size limit
 * for declared and streamed (chunked) bodies with the 413 delivered on the same connection, and
 * the CORS and request-id headers written with every response.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { listen } from './harness.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

function send(
  url: string,
  agent: http.Agent,
  path: string,
  chunks: string[],
  headers: Record<string, string> = {},
): Promise<Reply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    // Written one by one: without a Content-Length the body goes chunked.
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test('over a socket: JSON bodies in chunks, 413 past the limit whether declared or streamed, on a connection that keeps serving', async () => {
  const { server, close } = await listen({ OM_MAX_PAYLOAD_SIZE: '2000' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const split = JSON.stringify({ content: 'Chunked bodies arrive in pieces', user_id: 'sock' });
    const added = await send(server.url, agent, '/memory/add', [
      split.slice(0, 10),
      split.slice(10, 25),
      split.slice(25),
    ]);
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.headers['access-control-allow-origin'], undefined, 'no CORS without OM_CORS_ORIGINS');
    assert.match(String(added.headers['x-request-id']), /^[0-9a-f-]{36}$/);

    const declared = await send(server.url, agent, '/memory/add', [JSON.stringify({ content: 'x'.repeat(3000) })]);
    assert.equal(declared.status, 413);
    assert.equal(declared.body.error, 'payload_too_large');
    const streamed = await send(
      server.url,
      agent,
      '/memory/add',
      Array.from({ length: 10 }, () => 'x'.repeat(500)),
    );
    assert.equal(streamed.status, 413);
    assert.equal(streamed.body.error, 'payload_too_large');

    const bad = await send(server.url, agent, '/memory/add', ['{"content": "unterminated']);
    assert.equal(bad.status, 400);
    const empty = await send(server.url, agent, '/memory/query', [''], { 'content-length': '0' });
    assert.equal(empty.status, 400, 'an empty body is {}: the query is missing');
    const after = await send(server.url, agent, '/memory/query', [
      JSON.stringify({ query: 'pieces', user_id: 'sock' }),
    ]);
    assert.equal(after.status, 200);
    assert.equal(after.body.matches[0]?.content, 'Chunked bodies arrive in pieces');
  } finally {
    agent.destroy();
    await close();
  }
});
