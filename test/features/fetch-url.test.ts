import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { OmError } from '../../src/errors.js';
import { isPublicAddress } from '../../src/features/ingest/address-policy.js';
import { fetchDocument } from '../../src/features/ingest/fetch-url.js';
import { DocumentParser } from '../../src/features/ingest/parser.js';
import { makePdf } from '../helpers/docs/make-pdf.js';
import { servePages } from '../helpers/page-server.js';

const limits = { maxBytes: 20_000, timeoutMs: 500 };
const parser = new DocumentParser(loadConfig({}).ingest);
// The test server is on loopback, which only the admin may reach.
const admin = { allowPrivate: true, parser };
let site: Awaited<ReturnType<typeof servePages>>;

before(async () => {
  site = await servePages({
    '/article': { type: 'text/html; charset=utf-8', body: '<h1>Gardening</h1><p>Tomatoes need <em>sun</em>.</p><script>x()</script>' },
    '/notes.txt': { type: 'text/plain', body: 'plain notes about compost' },
    '/paper.pdf': { type: 'application/pdf', body: makePdf([['A PDF served over HTTP']]) },
    '/big': { type: 'text/html', body: `<p>${'x'.repeat(50_000)}</p>` },
    '/image.png': { type: 'image/png', body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
    '/slow': { type: 'text/html', body: '', hang: true },
    '/gone': { status: 500, type: 'text/html', body: 'oops' },
    '/moved': { type: 'text/html', body: '', redirect: '/article' },
    '/loop': { type: 'text/html', body: '', redirect: '/loop' },
  });
});
after(async () => {
  await site.close();
  await parser.close();
});

async function fails(url: string, code: string, pattern: RegExp) {
  await assert.rejects(fetchDocument(url, limits, admin), (e: unknown) => e instanceof OmError && e.code === code && pattern.test(e.message));
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

test('plain text and PDF answers are extracted by their content type', async () => {
  assert.equal((await fetchDocument(site.url('/notes.txt'), limits, admin)).text, 'plain notes about compost');
  assert.match((await fetchDocument(site.url('/paper.pdf'), limits, admin)).text, /A PDF served over HTTP/);
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

test('redirects are followed a bounded number of times', async () => {
  const doc = await fetchDocument(site.url('/moved'), limits, admin);
  assert.match(doc.text, /^# Gardening/);
  assert.equal(doc.extraction.source_url, site.url('/article'));
  await fails(site.url('/loop'), 'validation_error', /more than 5 redirects/);
});

test('without the admin, non-public addresses are refused before any request', async () => {
  for (const url of [site.url('/article'), 'http://localhost:9/x', 'http://[::1]:9/x', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/']) {
    await assert.rejects(fetchDocument(url, limits, { allowPrivate: false, parser }), (e: unknown) => e instanceof OmError && e.code === 'forbidden', url);
  }
  for (const a of ['127.0.0.1', '10.0.0.1', '172.20.1.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) {
    assert.equal(isPublicAddress(a), false, a);
  }
  for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPublicAddress(a), true, a);
});
