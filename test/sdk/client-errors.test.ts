/**
 * The remote client rethrows the server's own error code (the catalogue of src/errors.ts), not one
 * guessed from the status: 401 and 403 each have several. A server that sends no code of the
 * catalogue (a proxy) gets the first code with its status.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MemoryClient, OmError } from '../../src/sdk/index.js';
import { listeningServer, type ListeningServer } from '../helpers/listening-server.js';

const ADMIN = 'sdk-errors-admin-key-0123';

const rejectsWith = (p: Promise<unknown>, code: string, message?: string) =>
  assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof OmError);
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  });

describe('remote client error codes', () => {
  let server: ListeningServer;
  before(async () => {
    server = await listeningServer(ADMIN, { OM_RATE_LIMIT_ENABLED: 'true', OM_RATE_LIMIT_MAX_REQUESTS: '6' });
  });
  after(() => server.close());

  test('authentication, key, scope and rate-limit failures keep their wire codes', async () => {
    await rejectsWith(new MemoryClient({ url: server.url }).list(), 'authentication_required', 'API key required');
    const badKey = new MemoryClient({ url: server.url, apiKey: 'not-a-key' });
    await rejectsWith(badKey.list(), 'invalid_api_key', 'API key is invalid or revoked');
    const admin = new MemoryClient({ url: server.url, apiKey: ADMIN });
    const { key } = await admin.createApiKey('alice');
    await rejectsWith(new MemoryClient({ url: server.url, apiKey: key }).list({ user_id: 'bob' }), 'forbidden');
    await rejectsWith(admin.get('00000000-0000-4000-8000-000000000000'), 'not_found', 'memory not found');
    let limited: unknown;
    for (let i = 0; i < 8 && !limited; i++)
      limited = await admin.list().then(
        () => undefined,
        (err: unknown) => err,
      );
    assert.ok(limited instanceof OmError && limited.code === 'rate_limit_exceeded', String(limited));
  });

  test('without a code of the catalogue, the status decides', async () => {
    const proxy = http.createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Forbidden</h1>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      await rejectsWith(new MemoryClient({ url }).list(), 'forbidden', '403 Forbidden');
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
