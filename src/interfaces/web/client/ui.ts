/** Building blocks shared by the pages: sections, states, pager, confirmation, charts. */
import { ApiError } from './api.js';
import { h, svg, type Child } from './dom.js';
import { num, preview } from './format.js';

export const section = (title: string, ...children: Child[]) =>
  h('section', { class: 'card' }, h('h2', null, title), ...children);

export const empty = (message: string) => h('p', { class: 'empty' }, message);

export function errorBox(err: unknown): HTMLElement {
  const e = err instanceof ApiError ? err : null;
  const hint =
    e?.status === 403
      ? ' Your key may not see this: sign in with the admin key, or pick your own user.'
      : e?.status === 404
        ? ' It may have been deleted: go back to the list.'
        : '';
  return h('p', { class: 'error', role: 'alert' }, `${err instanceof Error ? err.message : String(err)}.${hint}`);
}

/** "Previous / next" over an offset-addressed list; `count` is how many the current page holds. */
export function pager(
  offset: number,
  limit: number,
  count: number,
  go: (offset: number) => void,
  total?: number,
): HTMLElement {
  const last = offset + count;
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'pages' },
    h('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - limit)) }, '← Newer'),
    h(
      'span',
      null,
      count ? `${num(offset + 1)}–${num(last)}${total !== undefined ? ` of ${num(total)}` : ''}` : 'none',
    ),
    h(
      'button',
      {
        type: 'button',
        disabled: count < limit || (total !== undefined && last >= total),
        onclick: () => go(offset + limit),
      },
      'Older →',
    ),
  );
}

/** A modal question; resolves true when confirmed. Escape or Cancel say no. */
export function confirmDialog(title: string, ...body: Child[]): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, title),
      ...body,
      h(
        'form',
        { method: 'dialog', class: 'actions' },
        h('button', { value: 'cancel', type: 'submit' }, 'Cancel'),
        h('button', { value: 'ok', type: 'submit', class: 'danger', 'data-confirm': 'ok' }, 'Confirm'),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Horizontal bars (labels left, values right), as SVG so no style attribute is needed. */
export function bars(rows: Array<{ label: string; value: number }>, unit = ''): Node {
  if (rows.length === 0) return empty('Nothing to chart yet.');
  const max = Math.max(...rows.map((r) => r.value)) || 1;
  const rowH = 22;
  return svg(
    'svg',
    {
      class: 'bars',
      viewBox: `0 0 400 ${rows.length * rowH}`,
      role: 'img',
      'aria-label': rows.map((r) => `${r.label}: ${r.value}${unit}`).join(', '),
    },
    rows.map((r, i) => [
      svg('text', { x: 0, y: i * rowH + 15, class: 'label' }, preview(r.label, 21), svg('title', null, r.label)),
      svg('rect', { x: 130, y: i * rowH + 4, width: Math.max(1, (r.value / max) * 200), height: 14, class: 'bar' }),
      svg('text', { x: 336, y: i * rowH + 15, class: 'value' }, `${num(r.value)}${unit}`),
    ]),
  );
}

/** Vertical columns over time (labels under every few columns). */
export function columns(rows: Array<{ label: string; value: number }>): Node {
  if (rows.length === 0) return empty('No memories in this period.');
  const max = Math.max(...rows.map((r) => r.value)) || 1;
  const w = 400 / rows.length;
  const every = Math.ceil(rows.length / 8);
  return svg(
    'svg',
    {
      class: 'columns',
      viewBox: '-12 0 424 140',
      role: 'img',
      'aria-label': rows.map((r) => `${r.label}: ${r.value}`).join(', '),
    },
    rows.map((r, i) => [
      svg(
        'rect',
        {
          x: i * w + 1,
          y: 110 - (r.value / max) * 100,
          width: Math.max(1, w - 2),
          height: (r.value / max) * 100,
          class: 'bar',
        },
        svg('title', null, `${r.label}: ${r.value}`),
      ),
      i % every === 0
        ? svg('text', { x: i * w + w / 2, y: 130, class: 'label', 'text-anchor': 'middle' }, r.label)
        : null,
    ]),
  );
}

/** A definition list of label → value. */
export const facts = (rows: Array<[string, Child]>) =>
  h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
