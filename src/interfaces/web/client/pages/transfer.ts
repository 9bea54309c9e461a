/**
 * Import / export of one user in the CLI's JSON Lines format. An upload goes in batches (so the
 * bar moves and no request exceeds the body limit): every line first, then the links they carry.
 */
import { api, apiBlob, qs } from '../api.js';
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { num } from '../format.js';
import { errorBox, section } from '../ui.js';
import { forgetUserList } from '../user-picker.js';

/** Well under the server's default body limit (OM_MAX_PAYLOAD_SIZE, 1 MB). */
const BATCH_BYTES = 400_000;
const BATCH_LINES = 500;

interface Report {
  imported: number;
  skipped: number;
  embedded: number;
  links: number;
  users: number;
}

function batches(lines: string[]): Array<{ first: number; lines: string[] }> {
  const out: Array<{ first: number; lines: string[] }> = [];
  let cur: { first: number; lines: string[] } | null = null;
  let bytes = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    if (!cur || bytes + line.length > BATCH_BYTES || cur.lines.length >= BATCH_LINES) {
      cur = { first: i + 1, lines: [] };
      out.push(cur);
      bytes = 0;
    }
    cur.lines.push(line);
    bytes += line.length;
  });
  return out;
}

function linksOf(lines: string[]): Array<{ from: string; to: string; weight: number }> {
  const out: Array<{ from: string; to: string; weight: number }> = [];
  for (const line of lines) {
    const m = JSON.parse(line) as { id?: string; links?: Array<{ to: string; weight: number }> };
    for (const l of m.links ?? []) if (m.id) out.push({ from: m.id, to: l.to, weight: l.weight });
  }
  return out;
}

async function upload(ctx: PageContext, file: File, bar: HTMLProgressElement, status: HTMLElement): Promise<void> {
  const lines = (await file.text()).split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      JSON.parse(line);
    } catch {
      throw new Error(
        `line ${i + 1} of ${file.name} is not JSON: is this an OpenMemory export (.jsonl)? Nothing was imported`,
      );
    }
  });
  const parts = batches(lines);
  const links = linksOf(parts.flatMap((p) => p.lines));
  const path = `/users/${encodeURIComponent(ctx.user)}/import`;
  const total: Report = { imported: 0, skipped: 0, embedded: 0, links: 0, users: 0 };
  const steps = parts.length + Math.ceil(links.length / 10_000);
  bar.max = Math.max(1, steps);
  let done = 0;
  const add = (r: Report) => {
    for (const k of Object.keys(total) as Array<keyof Report>) total[k] += r[k];
    bar.value = ++done;
    status.textContent = `${num(total.imported + total.skipped)} of the file's memories sent…`;
  };
  forgetUserList();
  for (const p of parts) add(await api<Report>('POST', path, { lines: p.lines, first_line: p.first }));
  for (let i = 0; i < links.length; i += 10_000)
    add(await api<Report>('POST', path, { links: links.slice(i, i + 10_000) }));
  status.textContent = `Imported ${num(total.imported)} memories (${num(total.skipped)} were already there, ${num(total.embedded)} embedded now), ${num(total.links)} links, ${num(total.users)} summaries.`;
}

async function download(ctx: PageContext, withVectors: boolean, status: HTMLElement): Promise<void> {
  status.textContent = 'Preparing the export…';
  const blob = await apiBlob(
    `/users/${encodeURIComponent(ctx.user)}/export${qs({ with_vectors: withVectors ? 'true' : undefined })}`,
  );
  const a = h('a', {
    href: URL.createObjectURL(blob),
    download: `openmemory-${ctx.user.replace(/[^\w.-]/g, '_')}.jsonl`,
  });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  status.textContent = `Exported ${num(blob.size)} bytes.`;
}

export async function transferPage(ctx: PageContext): Promise<Node> {
  const exportStatus = h('p', { 'aria-live': 'polite', id: 'export-status' });
  const vectors = h('input', { type: 'checkbox', id: 'with-vectors' });
  const file = h('input', {
    type: 'file',
    id: 'import-file',
    accept: '.jsonl,.ndjson,application/x-ndjson,text/plain',
  });
  const bar = h('progress', { id: 'import-progress', value: 0, max: 1 });
  const importStatus = h('p', { 'aria-live': 'polite', id: 'import-status' });
  const run = (work: () => Promise<void>, where: HTMLElement) => () =>
    work().catch((err: unknown) => where.replaceChildren(errorBox(err)));
  return h(
    'div',
    { class: 'grid' },
    section(
      `Export ${ctx.user}`,
      h('p', null, 'Downloads the user’s memories as JSON Lines, the format of `openmemory export`.'),
      h('label', { class: 'check' }, vectors, ' Include the vectors (larger; the import then needs no embedder)'),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            id: 'export',
            onclick: run(() => download(ctx, vectors.checked, exportStatus), exportStatus),
          },
          'Download export',
        ),
      ),
      exportStatus,
    ),
    section(
      `Import into ${ctx.user}`,
      h(
        'p',
        null,
        'Loads an export of this same user. Memories it already has are skipped, so an interrupted import can be run again.',
      ),
      h('label', { for: 'import-file' }, 'Export file (.jsonl)'),
      file,
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            id: 'import',
            onclick: run(async () => {
              const f = file.files?.[0];
              if (!f) throw new Error('Choose a file first');
              await upload(ctx, f, bar, importStatus);
            }, importStatus),
          },
          'Import',
        ),
      ),
      bar,
      importStatus,
    ),
  );
}
