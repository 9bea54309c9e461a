/** Builds small valid PDFs (one page per string, Helvetica text) so ingestion tests use real files. */
import { deflateSync } from 'node:zlib';

function escapePdfText(s: string): string {
  return s.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** A stream object's body: `dict` entries (without `/Length`), then the data. */
export function pdfStream(data: string, dict = '', compress = false): Buffer {
  const raw = Buffer.from(data, 'latin1');
  const bytes = compress ? deflateSync(raw, { level: 9 }) : raw;
  const filter = compress ? ' /Filter /FlateDecode' : '';
  return Buffer.concat([
    Buffer.from(`<< ${dict} /Length ${bytes.length}${filter} >>\nstream\n`, 'latin1'),
    bytes,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/** A PDF of these objects (object n is `objects[n - 1]`), object 1 being the catalog. */
export function pdfFile(objects: Array<Buffer | string>): Buffer {
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  const offsets: number[] = [];
  let pos = chunks[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(pos);
    const obj = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    chunks.push(obj);
    pos += obj.length;
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`,
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
  ].join('');
  chunks.push(
    Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${pos}\n%%EOF\n`, 'latin1'),
  );
  return Buffer.concat(chunks);
}

export function makePdf(pages: string[][], options: { compress?: boolean } = {}): Buffer {
  // 1 catalog, 2 page tree, 3 font, then a content stream and a page per page.
  const objects: Array<Buffer | string> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const pageIds: number[] = [];
  for (const lines of pages) {
    const ops = [
      'BT',
      '/F1 12 Tf',
      '14 TL',
      '72 720 Td',
      ...lines.map((l) => `(${escapePdfText(l)}) Tj T*`),
      'ET',
    ].join('\n');
    objects.push(pdfStream(ops, '', options.compress));
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${objects.length} 0 R >>`,
    );
    pageIds.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  return pdfFile(objects);
}
