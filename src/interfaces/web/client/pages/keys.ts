/** API keys (admin): create one for a user (the secret is shown once), list with last use, revoke. */
import { api } from '../api.js';
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { userLabel, when } from '../format.js';
import { confirmDialog, empty, errorBox, section } from '../ui.js';

interface KeyView {
  id: string;
  user_id: string | null;
  role: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

function createForm(ctx: PageContext, status: HTMLElement): HTMLElement {
  const user = h('input', { id: 'key-user', required: true, value: ctx.user, placeholder: 'alice or @default' });
  const label = h('input', { id: 'key-label', placeholder: 'laptop' });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const made = await api<{ id: string; key: string; user_id: string | null }>('POST', '/admin/keys', {
        user_id: user.value.trim(),
        label: label.value.trim() || undefined,
      });
      const secret = h('input', { id: 'new-key', readonly: true, value: made.key, 'aria-label': 'the new key' });
      status.replaceChildren(
        h(
          'div',
          { class: 'notice', role: 'status' },
          h('p', null, `Key for ${userLabel(made.user_id)} — copy it now, it is not shown again:`),
          secret,
          h('button', { type: 'button', onclick: () => void navigator.clipboard?.writeText(made.key) }, 'Copy'),
          h('button', { type: 'button', onclick: ctx.refresh }, 'Done'),
        ),
      );
      secret.select();
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };
  return h(
    'form',
    { class: 'inline', onsubmit: submit },
    h('label', { for: 'key-user' }, 'User'),
    user,
    h('label', { for: 'key-label' }, 'Label'),
    label,
    h('button', { type: 'submit' }, 'Create key'),
  );
}

function keyRow(ctx: PageContext, k: KeyView, status: HTMLElement): HTMLElement {
  const revoke = async () => {
    if (
      !(await confirmDialog(
        `Revoke the key “${k.label ?? k.id}”?`,
        h('p', null, `Anyone using it for ${userLabel(k.user_id)} is refused from now on.`),
      ))
    )
      return;
    await api('DELETE', `/admin/keys/${encodeURIComponent(k.id)}`).then(ctx.refresh, (err) =>
      status.replaceChildren(errorBox(err)),
    );
  };
  return h(
    'tr',
    { class: k.revoked_at ? 'revoked' : null },
    h('td', null, k.label ?? '—'),
    h('td', null, userLabel(k.user_id)),
    h('td', null, when(k.created_at)),
    h('td', null, k.last_used_at ? when(k.last_used_at) : 'never'),
    h(
      'td',
      null,
      k.revoked_at
        ? `revoked ${when(k.revoked_at)}`
        : h('button', { type: 'button', class: 'danger', onclick: revoke }, 'Revoke…'),
    ),
  );
}

export async function keysPage(ctx: PageContext): Promise<Node> {
  const { keys } = await api<{ keys: KeyView[] }>('GET', '/admin/keys');
  const status = h('div', { 'aria-live': 'polite' });
  return h(
    'div',
    null,
    section(
      'Create a key',
      h('p', null, 'A user key acts only as its user: it reads and writes that user’s memories, nothing else.'),
      createForm(ctx, status),
      status,
    ),
    section(
      `Keys (${keys.length})`,
      keys.length === 0
        ? empty('No user keys yet: create one above.')
        : h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              null,
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Label', 'User', 'Created', 'Last used', ''].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                null,
                keys.map((k) => keyRow(ctx, k, status)),
              ),
            ),
          ),
    ),
  );
}
