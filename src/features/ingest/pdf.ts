/**
 * Text of a PDF via pdfjs-dist's Node build (no worker, no fonts, no network), within the
 * ingestion limits: the page count is checked before any page is read, and text is read as a
 * stream so that extraction stops once it passes the character limit (a few KB of nested form
 * objects can draw millions of characters). A broken page (a page tree with a cycle, a bad
 * object) is the document's fault: a validation error.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { OmError } from '../../errors.js';
import { overLimit, type IngestLimits } from './limits.js';

export interface PdfText {
  text: string;
  pages: number;
  info: Record<string, unknown>;
}

const unreadable = (err: unknown) =>
  new OmError('validation_error', `data: not a readable PDF (${(err as Error).message})`);

export async function pdfToText(bytes: Uint8Array, limits: IngestLimits): Promise<PdfText> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc: PDFDocumentProxy;
  try {
    doc = await pdfjs.getDocument({
      data: bytes,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: true,
      verbosity: 0,
    }).promise;
  } catch (err) {
    throw unreadable(err);
  }
  try {
    if (doc.numPages > limits.maxPages) throw overLimit(limits, 'maxPages', `data: the PDF has ${doc.numPages} pages`);
    const pages: string[] = [];
    let chars = 0;
    for (let i = 1; i <= doc.numPages; i++) {
      const text = await pageText(doc, i, limits.maxTextChars - chars);
      chars += text.length;
      if (chars > limits.maxTextChars) {
        throw overLimit(
          limits,
          'maxTextChars',
          `data: the PDF holds more than ${limits.maxTextChars} characters of text`,
        );
      }
      pages.push(text.trim());
    }
    const meta = await doc.getMetadata().catch(() => null);
    return {
      text: pages.filter(Boolean).join('\n\n'),
      pages: doc.numPages,
      info: (meta?.info ?? {}) as Record<string, unknown>,
    };
  } finally {
    await doc.destroy();
  }
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

/** One page's text; stops reading (and returns what it has) once it holds more than `budget` characters. */
async function pageText(doc: PdfDocument, pageNumber: number, budget: number): Promise<string> {
  let text = '';
  try {
    const page = await doc.getPage(pageNumber);
    const reader = page.streamTextContent().getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      for (const item of chunk.value.items) if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
      if (text.length > budget) {
        await reader.cancel(new Error('over the text limit'));
        break;
      }
    }
  } catch (err) {
    throw unreadable(err);
  }
  return text;
}
