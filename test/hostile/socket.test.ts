/**
 * Malformed HTTP at the socket level against the real server process: invalid UTF-8 in the
 * request line and body, control characters in headers, lying Content-Length, broken chunked
 * encoding, huge headers, garbage instead of HTTP, connections dropped mid-body. No reply may be
 * a 5xx, the process must survive every one, and a request that was not answered 200 must leave
 * the database unchanged.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { tmpDir } from '../helpers/tmp.js';
import { SERVER_ADMIN_KEY, request, startServerProcess, type ServerProcess } from '../crash/server-process.js';
import { databaseFingerprint, openRawSqlite, type RawDb } from '../isolation/rawdb.js';

const AUTH = `Authorization: Bearer ${SERVER_ADMIN_KEY}\r\n`;

const PAYLOADS: Array<[string, Buffer]> = [
  [
    'invalid UTF-8 in the path',
    Buffer.concat([
      Buffer.from('GET /memory/'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
      Buffer.from(` HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`),
    ]),
  ],
  [
    'invalid UTF-8 in a JSON body',
    Buffer.concat([
      Buffer.from(
        `POST /memory/add HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 20\r\n\r\n{"content":"`,
      ),
      Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]),
      Buffer.from('"}\r\n'),
    ]),
  ],
  [
    'control characters in a header',
    Buffer.from(`GET /memory/all HTTP/1.1\r\nHost: x\r\nX-Evil: a\u0001b\u0000c\r\n${AUTH}\r\n`),
  ],
  [
    'Content-Length larger than the body, then close',
    Buffer.from(
      `POST /memory/add HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"content":"cut`,
    ),
  ],
  [
    'two Content-Length headers',
    Buffer.from(
      `POST /memory/add HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 30\r\n\r\n{"content":"smuggled memory x"}`,
    ),
  ],
  [
    'broken chunked encoding',
    Buffer.from(
      `POST /memory/add HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{"content":"x"}\r\n0\r\n\r\n`,
    ),
  ],
  [
    'chunked and Content-Length together',
    Buffer.from(
      `POST /memory/add HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ),
  ],
  [
    'a 200 kB header',
    Buffer.from(`GET /memory/all HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(200_000)}\r\n${AUTH}\r\n`),
  ],
  ['garbage instead of HTTP', Buffer.from('HELLO THERE\r\n\r\n')],
  ['binary noise', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
  [
    'a request line with an absolute URL to elsewhere',
    Buffer.from(`GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`),
  ],
  [
    'path traversal in the raw request line',
    Buffer.from(`GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`),
  ],
  ['a header line without colon', Buffer.from(`GET /health HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n`)],
  ['an unsupported HTTP version', Buffer.from(`GET /health HTTP/9.9\r\nHost: x\r\n\r\n`)],
];

let server: ServerProcess;
let raw: RawDb;
let tmp: ReturnType<typeof tmpDir>;

before(async () => {
  tmp = tmpDir('om-socket-');
  const file = path.join(tmp.dir, 'om.sqlite');
  server = await startServerProcess({ OM_DB_PATH: file });
  assert.equal(
    (await request(server.url, 'POST', '/memory/add', { content: 'A memory that must survive', user_id: 'alice' }))
      .status,
    200,
  );
  raw = openRawSqlite(file);
  // Let the debounced summary rebuild of that add land before the first fingerprint.
  await new Promise((r) => setTimeout(r, 1_000));
});

after(async () => {
  await raw?.close();
  await server?.kill();
  tmp?.cleanup();
});

/** Sends raw bytes and returns the status code of the first reply (null when the server just closed). */
function sendRaw(bytes: Buffer): Promise<number | null> {
  const { port, hostname } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let reply = '';
    const done = () => {
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(reply);
      resolve(m ? Number(m[1]) : null);
    };
    socket.setTimeout(3_000, done);
    socket.on('data', (d) => {
      reply += d.toString('latin1');
      if (/^HTTP\/1\.[01] \d{3}/.test(reply)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes, () => socket.end());
  });
}

test('malformed HTTP never gets a 5xx, never kills the process, and when refused changes nothing', async () => {
  const statuses: Record<string, number | null> = {};
  for (const [name, bytes] of PAYLOADS) {
    const before = await databaseFingerprint(raw);
    const status = await sendRaw(bytes);
    statuses[name] = status;
    assert.ok(status === null || status < 500, `${name}: HTTP ${status}`);
    assert.equal(server.child.exitCode, null, `${name}: the server exited`);
    assert.equal((await request(server.url, 'GET', '/health')).status, 200, `${name}: the server stopped answering`);
    // An accepted write queues a debounced summary rebuild (250 ms): let it land before the next fingerprint.
    if (status === 200) await new Promise((r) => setTimeout(r, 1_000));
    if (status !== 200)
      assert.equal(await databaseFingerprint(raw), before, `${name}: refused (${status}) but the database changed`);
  }
  console.log(`[hostile socket] ${PAYLOADS.length} malformed requests checked: ${JSON.stringify(statuses)}`);
});
