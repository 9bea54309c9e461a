import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../../src/config.js';
import { OmError } from '../../src/errors.js';
import { anyAddress, isPublicAddress } from '../../src/features/ingest/address-policy.js';
import { fetchDocument, type FetchOptions } from '../../src/features/ingest/fetch-url.js';
import { guardedLookup, type Resolver } from '../../src/features/ingest/guarded-lookup.js';
import { DocumentParser } from '../../src/features/ingest/parser.js';
import { makePdf } from '../helpers/docs/make-pdf.js';
import { servePages, type PageServer } from '../helpers/page-server.js';

const limits = { maxBytes: 20_000, timeoutMs: 500 };
// The test server is on loopback, which only the admin may reach.
const parser = new DocumentParser(loadConfig({}).ingest);
const admin: FetchOptions = { allowed: anyAddress, parser };
let site: PageServer;

before(async () => {
  site = await servePages({
    '/article': {
      type: 'text/html; charset=utf-8',
      body: '<h1>Gardening</h1><p>Tomatoes need <em>sun</em>.</p><script>x()</script>',
    },
    '/notes.txt': { type: 'text/plain', body: 'plain notes about compost' },
    '/paper.pdf': { type: 'application/pdf', body: makePdf([['A PDF served over HTTP']]) },
    '/big': { type: 'text/html', body: `<p>${'x'.repeat(50_000)}</p>` },
    '/image.png': { type: 'image/png', body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
    '/slow': { type: 'text/html', body: '', hang: true },
    '/gone': { status: 500, type: 'text/html', body: 'oops' },
    '/moved': { type: 'text/html', body: '', redirect: '/article' },
    '/loop': { type: 'text/html', body: '', redirect: '/loop' },
    '/to-file': { type: 'text/html', body: '', redirect: 'file:///etc/passwd' },
    '/zipped.txt': {
      type: 'text/plain',
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync('notes that came compressed'),
    },
    '/bomb.txt': {
      type: 'text/plain',
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(5_000_000)),
    },
  });
});
after(async () => {
  await site.close();
  await parser.close();
});

async function fails(url: string, code: string, pattern: RegExp, options = admin) {
  const expected = (e: unknown) => e instanceof OmError && e.code === code && pattern.test(e.message);
  await assert.rejects(fetchDocument(url, limits, options), expected, url);
}

test('HTML pages become Markdown with the source recorded', async () => {
  const doc = await fetchDocument(site.url('/article'), limits, admin);
  assert.match(doc.text, /^# Gardening/);
  assert.match(doc.text, /Tomatoes need _sun_\./);
  assert.doesNotMatch(doc.text, /x\(\)/);
  assert.equal(doc.extraction.content_type, 'url');
  assert.equal(doc.extraction.source_url, site.url('/article'));
  assert.equal(typeof doc.extraction.fetched_at, 'string');
});

test('plain text and PDF answers are extracted by their content type; compressed ones are decoded within the limit', async () => {
  assert.equal((await fetchDocument(site.url('/notes.txt'), limits, admin)).text, 'plain notes about compost');
  assert.match((await fetchDocument(site.url('/paper.pdf'), limits, admin)).text, /A PDF served over HTTP/);
  assert.equal((await fetchDocument(site.url('/zipped.txt'), limits, admin)).text, 'notes that came compressed');
  await fails(site.url('/bomb.txt'), 'payload_too_large', /larger than 20000 bytes/);
});

test('too large, unsupported, failing, slow and non-http URLs are typed 4xx errors', async () => {
  await fails(site.url('/big'), 'payload_too_large', /larger than 20000 bytes/);
  await fails(site.url('/image.png'), 'unsupported_media', /image\/png/);
  await fails(site.url('/gone'), 'validation_error', /HTTP 500/);
  await fails(site.url('/missing'), 'validation_error', /HTTP 404/);
  await fails(site.url('/slow'), 'validation_error', /within 500 ms/);
  await fails('ftp://example.com/file', 'validation_error', /only http and https/);
  await fails('file:///etc/passwd', 'validation_error', /only http and https/);
  await fails('http://127.0.0.1:1/unreachable', 'validation_error', /could not fetch/);
});

test('redirects are followed a bounded number of times, to http(s) only', async () => {
  const doc = await fetchDocument(site.url('/moved'), limits, admin);
  assert.match(doc.text, /^# Gardening/);
  assert.equal(doc.extraction.source_url, site.url('/article'));
  await fails(site.url('/loop'), 'validation_error', /more than 5 redirects/);
  await fails(site.url('/to-file'), 'validation_error', /only http and https/);
});

test('without the admin, non-public addresses are refused before any request', async () => {
  const before = site.hits();
  const port = new URL(site.url('/')).port;
  const loopback = [
    '127.0.0.1',
    'localhost',
    '[::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[64:ff9b::7f00:1]',
    '[2002:7f00:1::1]',
  ];
  for (const host of [...loopback, '0.0.0.0', '2130706433', '0x7f.1']) {
    await fails(`http://${host}:${port}/article`, 'forbidden', /not a public address/, {
      allowed: isPublicAddress,
      parser,
    });
  }
  await fails('http://169.254.169.254/latest/meta-data', 'forbidden', /not a public address/, {
    allowed: isPublicAddress,
    parser,
  });
  await fails('http://10.1.2.3/', 'forbidden', /not a public address/, { allowed: isPublicAddress, parser });
  assert.equal(site.hits(), before);
});

const at = (address: string): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 });

test('the connect-time lookup refuses a name once any of its answers is not public, and hands out only what it checked', async () => {
  let answers: LookupAddress[][] = [
    [at('93.184.216.34')],
    [at('127.0.0.1')],
    [at('93.184.216.34'), at('10.0.0.5')],
    [at('2606:4700::1'), at('8.8.8.8')],
  ];
  const resolve: Resolver = async () => answers.shift()!;
  const lookup = guardedLookup(resolve, isPublicAddress);
  const ask = (options: { all?: boolean; family?: number }) =>
    new Promise<unknown>((ok, fail) =>
      lookup('rebind.example', options, (err, address, family) =>
        err ? fail(err) : ok(options.all ? address : [address, family]),
      ),
    );
  assert.deepEqual(await ask({}), ['93.184.216.34', 4]);
  for (let i = 0; i < 2; i++)
    await assert.rejects(ask({ all: true }), (e: unknown) => e instanceof OmError && e.code === 'forbidden');
  assert.deepEqual(await ask({ family: 4, all: true }), [at('8.8.8.8')]);
  answers = [];
});

/**
 * DNS rebinding, end to end without DNS: the test answers names itself. 127.0.0.2 stands for the
 * public internet (the policy lets it through); 127.0.0.1 is the loopback service an attacker
 * wants, listening on the same port. A name first answers 127.0.0.2, then 127.0.0.1.
 */
describe('a rebinding name never reaches the loopback service', () => {
  let inside: PageServer;
  let outside: PageServer;
  const standIn: FetchOptions['allowed'] = (a) => a === '127.0.0.2' || isPublicAddress(a);
  let lookups = 0;
  const rebinding: Resolver = async (name) => {
    if (name === 'inner.test') return [at('127.0.0.1')];
    return [at(lookups++ === 0 ? '127.0.0.2' : '127.0.0.1')];
  };
  const options = (resolve: Resolver): FetchOptions => ({ allowed: standIn, resolve, parser });

  before(async () => {
    inside = await servePages({ '/page': { type: 'text/plain', body: 'loopback secret' } });
    const port = inside.port;
    outside = await servePages(
      {
        '/page': { type: 'text/plain', body: 'public page' },
        '/to-loopback': { type: 'text/plain', body: '', redirect: `http://127.0.0.1:${port}/page` },
        '/to-inner-name': { type: 'text/plain', body: '', redirect: `http://inner.test:${port}/page` },
      },
      '127.0.0.2',
      port,
    );
  });
  after(async () => {
    await inside.close();
    await outside.close();
  });

  test('the socket connects to the address that was checked, resolved once', async () => {
    lookups = 0;
    const doc = await fetchDocument(`http://rebind.test:${inside.port}/page`, limits, options(rebinding));
    assert.equal(doc.text, 'public page');
    assert.equal(lookups, 1);
    assert.equal(inside.hits(), 0);
  });

  test('a name answering both kinds of address is refused', async () => {
    const both: Resolver = async () => [at('127.0.0.2'), at('127.0.0.1')];
    await fails(
      `http://both.test:${inside.port}/page`,
      'forbidden',
      /both\.test is not a public address/,
      options(both),
    );
    assert.equal(inside.hits() + outside.hits(), 1, 'only the first test reached a server');
  });

  test('every redirect hop is checked again: to a loopback address or a name resolving to one', async () => {
    for (const path of ['/to-loopback', '/to-inner-name']) {
      lookups = 0;
      await fails(`http://rebind.test:${inside.port}${path}`, 'forbidden', /not a public address/, options(rebinding));
    }
    assert.equal(inside.hits(), 0);
  });
});
