import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OmError } from '../../src/errors.js';
import { extractDocument } from '../../src/features/ingest/extract.js';
import { splitSections } from '../../src/features/ingest/sections.js';
import { checkZip } from '../../src/features/ingest/zip-guard.js';
import { makeDocx } from '../helpers/docs/make-docx.js';
import { makePdf } from '../helpers/docs/make-pdf.js';

const b64 = (b: Buffer) => b.toString('base64');

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => e instanceof OmError && e.code === code && pattern.test(e.message));
}

test('text and markdown pass through with v1.2 extraction metadata', async () => {
  const r = await extractDocument('md', '# Title\r\n\r\nBody text.  ');
  assert.equal(r.text, '# Title\n\nBody text.');
  assert.deepEqual(
    { ...r.extraction },
    { content_type: 'md', char_count: r.text.length, estimated_tokens: Math.ceil(r.text.length / 4), extraction_method: 'passthrough' },
  );
});

test('HTML becomes Markdown without scripts or styles', async () => {
  const html = '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><h1>Trip</h1><p>We saw <b>Rome</b>.</p><ul><li>one</li></ul></body></html>';
  const r = await extractDocument('html', html);
  assert.match(r.text, /^# Trip/);
  assert.match(r.text, /We saw \*\*Rome\*\*\./);
  assert.doesNotMatch(r.text, /alert|color:red/);
  assert.equal(r.extraction.extraction_method, 'turndown');
  assert.equal(r.extraction.original_html_length, html.length);
});

test('PDF text is extracted from every page, compressed streams included', async () => {
  for (const compress of [false, true]) {
    const pdf = makePdf([['The quarterly report (draft)', 'Revenue grew by 12 percent'], ['Second page mentions Lisbon']], { compress });
    const r = await extractDocument('pdf', b64(pdf));
    assert.match(r.text, /The quarterly report \(draft\)/);
    assert.match(r.text, /Revenue grew by 12 percent/);
    assert.match(r.text, /Second page mentions Lisbon/);
    assert.equal(r.extraction.pages, 2);
    assert.equal(r.extraction.extraction_method, 'pdfjs');
  }
});

test('DOCX paragraphs and headings are extracted as Markdown', async () => {
  const docx = makeDocx(['# Meeting notes', 'Alice will ship the parser on Friday.', 'Bob reviews <everything>.']);
  const r = await extractDocument('docx', b64(docx));
  assert.match(r.text, /^# Meeting notes/);
  assert.match(r.text, /Alice will ship the parser on Friday\./);
  assert.match(r.text, /Bob reviews <everything>\./);
  assert.equal(r.extraction.extraction_method, 'mammoth');
});

test('broken binary documents are validation errors, not crashes', async () => {
  await rejectsWith(extractDocument('pdf', b64(Buffer.from('hello, not a pdf'))), 'validation_error', /not a PDF/);
  await rejectsWith(extractDocument('pdf', b64(Buffer.from('%PDF-1.4\ngarbage without objects'))), 'validation_error', /PDF/);
  await rejectsWith(extractDocument('docx', b64(Buffer.from('PK\u0003\u0004 truncated zip'))), 'validation_error', /DOCX/);
  await rejectsWith(extractDocument('pdf', '!!! not base64 !!!'), 'validation_error', /base64/);
  await rejectsWith(extractDocument('txt', '   \n  '), 'validation_error', /no text/);
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

test('a DOCX that would expand beyond the limit is refused before inflating', async () => {
  const docx = makeDocx(['# Big', 'x'.repeat(200_000)]);
  assert.ok(docx.length < 5_000, 'highly compressible');
  assert.doesNotThrow(() => checkZip(docx));
  assert.throws(() => checkZip(docx, { maxEntries: 10, maxUncompressedBytes: 100_000 }), (e: unknown) => e instanceof OmError && e.code === 'payload_too_large');
  assert.throws(() => checkZip(docx, { maxEntries: 2, maxUncompressedBytes: 1e9 }), /more than 2 parts/);
  assert.throws(() => checkZip(docx.subarray(0, docx.length - 30)), /broken ZIP/);
});
