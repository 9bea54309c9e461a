/**
 * The documents of security issue #25, built here: each small on the wire and ruinous to parse
 * without limits.
 */
import { makeDocx } from './make-docx.js';
import { pdfFile, pdfStream } from './make-pdf.js';

/** `<div>` nested `depth` deep: the DOM parser is super-linear in nesting (16k: seconds, 64k: a minute). */
export function deepHtml(depth: number): string {
  return `<html><body>${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}</body></html>`;
}

/** A DOCX whose document part inflates to about `mb` MB, honestly declared (conversion needs about 200 bytes of heap a byte). */
export function bigDocx(mb: number, declaredSize?: number): Buffer {
  const paragraph = 'All work and no play makes Jack a dull boy. '.repeat(20);
  const count = Math.ceil((mb * 1_000_000) / (paragraph.length + 60));
  return makeDocx(
    Array.from({ length: count }, () => paragraph),
    declaredSize === undefined ? {} : { declaredSize },
  );
}

/** A DOCX whose document part inflates to about `mb` MB while every part declares 1,000 bytes. */
export const docxBomb = (mb: number) => bigDocx(mb, 1000);

const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';

/** `pages` tiny pages sharing one content stream. */
export function manyPagesPdf(pages: number): Buffer {
  // 1 catalog, 2 page tree, 3 font, 4 content, then the pages.
  const kids = Array.from({ length: pages }, (_, i) => `${i + 5} 0 R`).join(' ');
  const page =
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>';
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    FONT,
    pdfStream('BT /F1 9 Tf 9 9 Td (page) Tj ET'),
    ...Array.from({ length: pages }, () => page),
  ]);
}

/** A page tree whose node is its own grandchild. */
export function circularPagesPdf(): Buffer {
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>',
  ]);
}

/**
 * One page drawing form F`levels`, each form drawing the one below it ten times, the last
 * drawing a line of text: 10^levels lines from a few hundred bytes.
 */
export function textBombPdf(levels: number): Buffer {
  // 1 catalog, 2 page tree, 3 font, 4 page, 5 page content, 6.. forms F0..F<levels>.
  const forms = Array.from({ length: levels + 1 }, (_, i) => {
    const resources = i === 0 ? '/Font << /F1 3 0 R >>' : `/XObject << /X ${i + 5} 0 R >>`;
    const body =
      i === 0 ? 'BT /F1 9 Tf 9 9 Td (All work and no play makes Jack a dull boy.) Tj ET' : '/X Do '.repeat(10);
    return pdfStream(body, `/Type /XObject /Subtype /Form /BBox [0 0 99 99] /Resources << ${resources} >>`);
  });
  return pdfFile([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    FONT,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99] /Resources << /XObject << /X ${levels + 6} 0 R >> >> /Contents 5 0 R >>`,
    pdfStream('/X Do'),
    ...forms,
  ]);
}
