/** Text of a PDF via pdfjs-dist's Node build (no worker, no fonts, no network). */
import { OmError } from '../../errors.js';

export interface PdfText {
  text: string;
  pages: number;
  info: Record<string, unknown>;
}

export async function pdfToText(bytes: Uint8Array): Promise<PdfText> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
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
    throw new OmError('validation_error', `data: not a readable PDF (${(err as Error).message})`);
  }
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      let line = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str + (item.hasEOL ? '\n' : '');
      }
      pages.push(line.trim());
    }
    const meta = await doc.getMetadata().catch(() => null);
    return { text: pages.filter(Boolean).join('\n\n'), pages: doc.numPages, info: (meta?.info ?? {}) as Record<string, unknown> };
  } finally {
    await doc.destroy();
  }
}
