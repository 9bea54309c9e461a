/**
 * Document extraction through the real parser processes: every format, broken input, and each
 * ingestion limit with the attack it stops (security issue #25), answered as a typed error
 * naming the setting.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { loadConfig, type IngestLimits } from '../../src/config.js';
import { ConfigError, OmError } from '../../src/errors.js';
import { sourceOf } from '../../src/features/ingest/extract.js';
import { htmlDepth } from '../../src/features/ingest/html-depth.js';
import { DocumentParser } from '../../src/features/ingest/parser.js';
import { splitSections } from '../../src/features/ingest/sections.js';
import { checkZip } from '../../src/features/ingest/zip.js';
import {
  bigDocx,
  circularPagesPdf,
  deepHtml,
  docxBomb,
  manyPagesPdf,
  textBombPdf,
} from '../helpers/docs/hostile-docs.js';
import { makeDocx } from '../helpers/docs/make-docx.js';
import { makePdf } from '../helpers/docs/make-pdf.js';

const b64 = (b: Buffer) => b.toString('base64');
const defaults = loadConfig({}).ingest;
const parsers: DocumentParser[] = [];
after(() => Promise.all(parsers.map((p) => p.close())));

function parserWith(overrides: Partial<IngestLimits> = {}): DocumentParser {
  const p = new DocumentParser({ ...defaults, ...overrides });
  parsers.push(p);
  return p;
}

const parser = parserWith();
const extract = async (type: string, data: string, p = parser) => p.extract(sourceOf(type, data));

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => e instanceof OmError && e.code === code && pattern.test(e.message));
}

test('the limits are OM_INGEST_* settings with safe defaults; a bad one names itself', () => {
  assert.deepEqual(defaults, {
    maxBytes: 10_000_000,
    maxInflatedBytes: 20_000_000,
    maxDepth: 256,
    maxPages: 1000,
    maxTextChars: 2_000_000,
    maxSections: 500,
    timeoutMs: 20_000,
    maxMemoryMb: 512,
    concurrency: 2,
    queue: 8,
  });
  assert.equal(loadConfig({ OM_INGEST_MAX_PAGES: '50', OM_INGEST_QUEUE: '0' }).ingest.maxPages, 50);
  for (const [name, value] of [
    ['OM_INGEST_MAX_PAGES', '0'],
    ['OM_INGEST_TIMEOUT_MS', 'soon'],
    ['OM_INGEST_MAX_MEMORY_MB', '16'],
    ['OM_INGEST_CONCURRENCY', '0'],
  ]) {
    assert.throws(
      () => loadConfig({ [name!]: value }),
      (e: unknown) => e instanceof ConfigError && e.variable === name,
      name,
    );
  }
});

test('text and markdown pass through with v1.2 extraction metadata', async () => {
  const r = await extract('md', '# Title\r\n\r\nBody text.  ');
  assert.equal(r.text, '# Title\n\nBody text.');
  assert.deepEqual(
    { ...r.extraction },
    {
      content_type: 'md',
      char_count: r.text.length,
      estimated_tokens: Math.ceil(r.text.length / 4),
      extraction_method: 'passthrough',
    },
  );
});

test('HTML becomes Markdown without scripts or styles', async () => {
  const html =
    '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><h1>Trip</h1><p>We saw <b>Rome</b>.</p><ul><li>one</li></ul></body></html>';
  const r = await extract('html', html);
  assert.match(r.text, /^# Trip/);
  assert.match(r.text, /We saw \*\*Rome\*\*\./);
  assert.doesNotMatch(r.text, /alert|color:red/);
  assert.equal(r.extraction.extraction_method, 'turndown');
  assert.equal(r.extraction.original_html_length, html.length);
});

test('PDF text is extracted from every page, compressed streams included', async () => {
  for (const compress of [false, true]) {
    const pdf = makePdf(
      [['The quarterly report (draft)', 'Revenue grew by 12 percent'], ['Second page mentions Lisbon']],
      { compress },
    );
    const r = await extract('pdf', b64(pdf));
    assert.match(r.text, /The quarterly report \(draft\)/);
    assert.match(r.text, /Revenue grew by 12 percent/);
    assert.match(r.text, /Second page mentions Lisbon/);
    assert.equal(r.extraction.pages, 2);
    assert.equal(r.extraction.extraction_method, 'pdfjs');
  }
});

test('DOCX paragraphs and headings are extracted as Markdown', async () => {
  const docx = makeDocx(['# Meeting notes', 'Alice will ship the parser on Friday.', 'Bob reviews <everything>.']);
  const r = await extract('docx', b64(docx));
  assert.match(r.text, /^# Meeting notes/);
  assert.match(r.text, /Alice will ship the parser on Friday\./);
  assert.match(r.text, /Bob reviews <everything>\./);
  assert.equal(r.extraction.extraction_method, 'mammoth');
});

test('broken binary documents are validation errors, not crashes', async () => {
  await rejectsWith(extract('pdf', b64(Buffer.from('hello, not a pdf'))), 'validation_error', /not a PDF/);
  await rejectsWith(extract('pdf', b64(Buffer.from('%PDF-1.4\ngarbage without objects'))), 'validation_error', /PDF/);
  await rejectsWith(extract('docx', b64(Buffer.from('PK\u0003\u0004 truncated zip'))), 'validation_error', /DOCX/);
  await rejectsWith(extract('pdf', '!!! not base64 !!!'), 'validation_error', /base64/);
  await rejectsWith(extract('txt', '   \n  '), 'validation_error', /no text/);
});

test('a PDF whose page tree is a cycle is a 400, not a 500', async () => {
  await rejectsWith(extract('pdf', b64(circularPagesPdf())), 'validation_error', /not a readable PDF/);
});

test('sections respect the size limit and keep all text in order', () => {
  const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} ${'word '.repeat(20 + i)}`.trim());
  const long = `A very long paragraph. ${'Sentence goes here. '.repeat(200)}`.trim();
  const text = [...paragraphs, long].join('\n\n');
  const sections = splitSections(text, 500);
  assert.ok(sections.length > 5);
  for (const s of sections) assert.ok(s.length <= 500, `section of ${s.length} chars`);
  const squash = (s: string) => s.replace(/\s+/g, '');
  assert.equal(squash(sections.join('')), squash(text));
  assert.deepEqual(splitSections('short text', 500), ['short text']);
});

test('HTML nesting is measured as the parser would nest it', () => {
  assert.equal(htmlDepth('<div><p>a<p>b<ul><li>x<li>y</ul></div>', 99), 2, 'p and li close themselves');
  assert.equal(htmlDepth(deepHtml(300), 1000), 300);
  assert.equal(htmlDepth(deepHtml(5000), 100), 101, 'stops counting past the limit');
  assert.equal(htmlDepth('<div></x><div></y><div>', 99), 3, 'an end tag of nothing open closes nothing');
  assert.equal(htmlDepth('<div/><div/><div/>', 99), 3, '/> does not close an HTML element');
  assert.equal(htmlDepth(`<svg>${'<path d="m0 0"/>'.repeat(50)}</svg><svg/>`, 99), 1, '/> closes inside SVG');
  assert.equal(
    htmlDepth(`<script>${'<div>'.repeat(50)}</script><p title="a>b">x`, 99),
    0,
    'script text and quoted > are not tags',
  );
  assert.equal(htmlDepth(`<!-- ${'<div>'.repeat(50)} --><b><i>x</b>`, 99), 2);
});

test('deep HTML is refused at OM_INGEST_MAX_DEPTH before the DOM parser sees it', async () => {
  // The pre-scan stops counting one past the limit: a depth of 257 is its answer, not the DOM parser's.
  await rejectsWith(
    extract('html', deepHtml(16_000)),
    'document_too_large',
    /nests elements 257 deep, over OM_INGEST_MAX_DEPTH=256/,
  );
  assert.match((await extract('html', deepHtml(200))).text, /deep/);
});

test('a DOCX is measured while inflating: declared sizes are not trusted', async () => {
  const bomb = docxBomb(30);
  assert.ok(bomb.length < 200_000, `${bomb.length} bytes on the wire`);
  assert.throws(
    () => checkZip(bomb, defaults),
    (e: unknown) =>
      e instanceof OmError &&
      e.code === 'document_too_large' &&
      /OM_INGEST_MAX_INFLATED_BYTES=20000000/.test(e.message),
  );
  await rejectsWith(extract('docx', b64(bomb)), 'document_too_large', /OM_INGEST_MAX_INFLATED_BYTES/);
  // The end record may understate the parts: every part the directory lists is inflated.
  const understated = Buffer.from(bomb);
  understated.writeUInt16LE(1, understated.length - 22 + 8);
  understated.writeUInt16LE(1, understated.length - 22 + 10);
  assert.throws(() => checkZip(understated, defaults), /OM_INGEST_MAX_INFLATED_BYTES/);
  const small = makeDocx(['# Big', 'x'.repeat(200_000)]);
  assert.doesNotThrow(() => checkZip(small, defaults));
  assert.throws(
    () => checkZip(small, { ...defaults, maxInflatedBytes: 100_000 }),
    /OM_INGEST_MAX_INFLATED_BYTES=100000/,
  );
  assert.throws(() => checkZip(small.subarray(0, small.length - 30), defaults), /broken ZIP/);
});

test('PDF pages and text are bounded: OM_INGEST_MAX_PAGES, OM_INGEST_MAX_TEXT_CHARS', async () => {
  await rejectsWith(
    extract('pdf', b64(manyPagesPdf(60)), parserWith({ maxPages: 50 })),
    'document_too_large',
    /the PDF has 60 pages, over OM_INGEST_MAX_PAGES=50/,
  );
  // A few KB of nested forms drawing a million lines: extraction stops at the limit.
  const bomb = textBombPdf(6);
  assert.ok(bomb.length < 5000);
  await rejectsWith(
    extract('pdf', b64(bomb), parserWith({ maxTextChars: 50_000 })),
    'document_too_large',
    /OM_INGEST_MAX_TEXT_CHARS=50000/,
  );
  await rejectsWith(
    extract('txt', 'x'.repeat(2000), parserWith({ maxTextChars: 1000 })),
    'document_too_large',
    /2000 characters of text, over OM_INGEST_MAX_TEXT_CHARS=1000/,
  );
});

test('input size, wall time and memory of a parse are bounded', async () => {
  await rejectsWith(
    extract('html', `<p>${'x'.repeat(5000)}</p>`, parserWith({ maxBytes: 4096 })),
    'document_too_large',
    /OM_INGEST_MAX_BYTES=4096/,
  );
  // Deep enough to take many seconds in the DOM parser once the depth limit allows it.
  const slow = parserWith({ maxDepth: 100_000, timeoutMs: 2000 });
  await rejectsWith(
    extract('html', deepHtml(30_000), slow),
    'document_too_large',
    /took too long, over OM_INGEST_TIMEOUT_MS=2000/,
  );
  assert.match((await extract('html', '<p>the killed process was replaced</p>', slow)).text, /replaced/);
  // mammoth holds about 200 bytes of heap per byte of document XML.
  const hungry = parserWith({ maxMemoryMb: 128, maxInflatedBytes: 50_000_000, timeoutMs: 60_000 });
  await rejectsWith(
    extract('docx', b64(bigDocx(4)), hungry),
    'document_too_large',
    /needed more than 128 MB, over OM_INGEST_MAX_MEMORY_MB=128/,
  );
});

test('at most OM_INGEST_CONCURRENCY parses run, OM_INGEST_QUEUE wait, the rest are refused as busy', async () => {
  const p = parserWith({ concurrency: 1, queue: 1, maxDepth: 100_000, timeoutMs: 1000 });
  const slow = () => extract('html', deepHtml(30_000), p).catch((e: OmError) => e.code);
  const results = await Promise.all([slow(), slow(), slow()]);
  assert.deepEqual(results.sort(), ['document_too_large', 'document_too_large', 'ingest_busy']);
});
