/**
 * Turns an ingested document (v1.2 `content_type` + `data`, or a fetched page) into plain text or
 * Markdown, with the extraction metadata v1.2 reports. Broken input is a validation error and a
 * document past a limit is `document_too_large`, never a crash.
 *
 * `sourceOf` and `sourceOfPage` run on the HTTP thread and only decode; `parseSource` converts and
 * runs in a parser process (./parser.ts), where a slow or huge document cannot stall the server.
 */
import { OmError } from '../../errors.js';
import { htmlDepth } from './html-depth.js';
import { overLimit, type IngestLimits } from './limits.js';
import { pdfToText } from './pdf.js';
import { checkZip } from './zip.js';

export interface Extraction {
  text: string;
  extraction: Record<string, unknown> & {
    content_type: string;
    char_count: number;
    estimated_tokens: number;
    extraction_method: string;
  };
}

/** A document to convert: text as received, or binary. `method` names the conversion in the extraction metadata. */
export type Source =
  | { format: 'text' | 'html'; contentType: string; method: string; text: string }
  | { format: 'pdf' | 'docx'; contentType: string; bytes: Uint8Array };

type Binary = Extract<Source, { bytes: Uint8Array }>;

export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export function textExtraction(
  source: Pick<Source, 'contentType'>,
  method: string,
  text: string,
  limits: IngestLimits,
  extra: Record<string, unknown> = {},
): Extraction {
  const clean = text.replace(/\r\n?/g, '\n').trim();
  if (clean === '') throw new OmError('validation_error', `data: the ${source.contentType} document contains no text`);
  if (clean.length > limits.maxTextChars) {
    throw overLimit(limits, 'maxTextChars', `data: the document holds ${clean.length} characters of text`);
  }
  return {
    text: clean,
    extraction: {
      content_type: source.contentType,
      char_count: clean.length,
      estimated_tokens: estimateTokens(clean),
      extraction_method: method,
      ...extra,
    },
  };
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function decodeBase64(data: string): Buffer {
  const compact = data.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
  if (compact === '' || !BASE64.test(compact))
    throw new OmError('validation_error', 'data: must be base64 for binary content types');
  return Buffer.from(compact, 'base64');
}

/** Dispatch on v1.2's `content_type` values (already lower-cased and validated by the schema). */
export function sourceOf(contentType: string, data: string): Source {
  switch (contentType) {
    case 'pdf':
    case 'docx':
      return { format: contentType, contentType, bytes: decodeBase64(data) };
    case 'html':
    case 'htm':
      return { format: 'html', contentType, method: 'turndown', text: data };
    case 'txt':
    case 'text':
    case 'md':
    case 'markdown':
      return { format: 'text', contentType, method: 'passthrough', text: data };
    default:
      throw new OmError('unsupported_media', `content_type: unsupported value "${contentType}"`);
  }
}

const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A fetched page by its media type; extraction metadata says `content_type: "url"`. */
export function sourceOfPage(mime: string, body: Buffer): Source {
  const text = () => body.toString('utf8');
  const html = mime === 'text/html' || mime === 'application/xhtml+xml';
  if (html) return { format: 'html', contentType: 'url', method: 'fetch+turndown', text: text() };
  if (mime === 'text/plain' || mime === 'text/markdown')
    return { format: 'text', contentType: 'url', method: 'fetch', text: text() };
  if (mime === 'application/pdf') return { format: 'pdf', contentType: 'url', bytes: body };
  if (mime === DOCX_MIME) return { format: 'docx', contentType: 'url', bytes: body };
  throw new OmError('unsupported_media', `url: unsupported content type ${mime}`);
}

/** Bytes of the document as received, for the input limit. */
export function sourceBytes(source: Source): number {
  return 'bytes' in source ? source.bytes.length : Buffer.byteLength(source.text);
}

// The converters load on first use: together they hold about 18 MB that only parsing needs.
async function htmlToMarkdown(html: string, limits: IngestLimits): Promise<string> {
  const depth = htmlDepth(html, limits.maxDepth);
  if (depth > limits.maxDepth) throw overLimit(limits, 'maxDepth', `data: the HTML nests elements ${depth} deep`);
  const { default: TurndownService } = await import('turndown');
  const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced' });
  turndown.remove(['script', 'style', 'noscript', 'iframe']);
  return turndown.turndown(html);
}

async function extractPdf(source: Binary, limits: IngestLimits): Promise<Extraction> {
  if (Buffer.from(source.bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') {
    throw new OmError('validation_error', 'data: not a PDF file');
  }
  // A copy as a plain Uint8Array: pdfjs refuses Buffers and takes over the array it is given.
  const pdf = await pdfToText(new Uint8Array(source.bytes), limits);
  return textExtraction(source, 'pdfjs', pdf.text, limits, { pages: pdf.pages, info: pdf.info });
}

async function extractDocx(source: Binary, limits: IngestLimits): Promise<Extraction> {
  const bytes = Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.length);
  checkZip(bytes, limits);
  const { default: mammoth } = await import('mammoth');
  let out: Awaited<ReturnType<typeof mammoth.convertToHtml>>;
  try {
    // Images would come back as base64 data URIs in the text; a memory keeps the words only.
    const convertImage = mammoth.images.imgElement(async () => ({ src: '' }));
    out = await mammoth.convertToHtml({ buffer: bytes }, { convertImage });
  } catch (err) {
    throw new OmError('validation_error', `data: not a readable DOCX file (${(err as Error).message})`);
  }
  const markdown = await htmlToMarkdown(out.value, limits);
  return textExtraction(source, 'mammoth', markdown, limits, { messages: out.messages.map((m) => m.message) });
}

/** The conversion itself, in a parser process; `text` sources are only checked. */
export async function parseSource(source: Source, limits: IngestLimits): Promise<Extraction> {
  switch (source.format) {
    case 'pdf':
      return extractPdf(source, limits);
    case 'docx':
      return extractDocx(source, limits);
    case 'html': {
      const markdown = await htmlToMarkdown(source.text, limits);
      return textExtraction(source, source.method, markdown, limits, { original_html_length: source.text.length });
    }
    case 'text':
      return textExtraction(source, source.method, source.text, limits);
  }
}
