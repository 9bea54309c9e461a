/**
 * Turns an ingested document (v1.2 `content_type` + `data`) into plain text or Markdown,
 * with the extraction metadata v1.2 reports. Broken input is a validation error, never a crash.
 */
import { OmError } from '../../errors.js';
import { pdfToText } from './pdf.js';
import { checkZip } from './zip-guard.js';

export interface Extraction {
  text: string;
  extraction: Record<string, unknown> & {
    content_type: string;
    char_count: number;
    estimated_tokens: number;
    extraction_method: string;
  };
}

export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export function textExtraction(contentType: string, method: string, text: string, extra: Record<string, unknown> = {}): Extraction {
  const clean = text.replace(/\r\n?/g, '\n').trim();
  if (clean === '') throw new OmError('validation_error', `data: the ${contentType} document contains no text`);
  return {
    text: clean,
    extraction: {
      content_type: contentType,
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
  if (compact === '' || !BASE64.test(compact)) throw new OmError('validation_error', 'data: must be base64 for binary content types');
  return Buffer.from(compact, 'base64');
}

// The converters load on first use, as pdfjs does (./pdf.ts): together they hold about 18 MB of a
// server's memory that only document ingestion needs.
export async function htmlToMarkdown(html: string): Promise<string> {
  const { default: TurndownService } = await import('turndown');
  const turndown = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced' });
  turndown.remove(['script', 'style', 'noscript', 'iframe']);
  return turndown.turndown(html);
}

export async function extractPdf(bytes: Buffer, contentType = 'pdf'): Promise<Extraction> {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new OmError('validation_error', 'data: not a PDF file');
  const pdf = await pdfToText(new Uint8Array(bytes));
  return textExtraction(contentType, 'pdfjs', pdf.text, { pages: pdf.pages, info: pdf.info });
}

export async function extractDocx(bytes: Buffer, contentType = 'docx'): Promise<Extraction> {
  checkZip(bytes);
  const { default: mammoth } = await import('mammoth');
  let out;
  try {
    out = await mammoth.convertToHtml({ buffer: bytes });
  } catch (err) {
    throw new OmError('validation_error', `data: not a readable DOCX file (${(err as Error).message})`);
  }
  return textExtraction(contentType, 'mammoth', await htmlToMarkdown(out.value), { messages: out.messages.map((m) => m.message) });
}

export async function extractHtml(html: string, contentType = 'html'): Promise<Extraction> {
  return textExtraction(contentType, 'turndown', await htmlToMarkdown(html), { original_html_length: html.length });
}

/** Dispatch on v1.2's `content_type` values (already lower-cased and validated by the schema). */
export async function extractDocument(contentType: string, data: string): Promise<Extraction> {
  switch (contentType) {
    case 'pdf':
      return extractPdf(decodeBase64(data));
    case 'docx':
      return extractDocx(decodeBase64(data));
    case 'html':
    case 'htm':
      return extractHtml(data, contentType);
    case 'txt':
    case 'text':
    case 'md':
    case 'markdown':
      return textExtraction(contentType, 'passthrough', data);
    default:
      throw new OmError('unsupported_media', `content_type: unsupported value "${contentType}"`);
  }
}
