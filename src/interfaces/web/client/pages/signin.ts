/** Sign-in: a key (admin or a user's) is checked against the server before it is kept. */
import { api, ApiError } from '../api.js';
import { h } from '../dom.js';
import { setSession, useKey } from '../session.js';

interface WhoAmI {
  role: 'admin' | 'user';
  user_id: string | null;
  key_required: boolean;
}

export async function signInPage(onSignedIn: () => Promise<void>): Promise<Node> {
  const key = h('input', {
    id: 'key',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    spellcheck: 'false',
  });
  const stay = h('input', { id: 'stay', type: 'checkbox' });
  const message = h('p', { class: 'error', role: 'alert', hidden: true });
  const submit = async (e: Event) => {
    e.preventDefault();
    useKey(key.value.trim(), false);
    try {
      const me = await api<WhoAmI>('GET', '/whoami');
      useKey(key.value.trim(), stay.checked);
      setSession({ role: me.role, userId: me.user_id, keyRequired: me.key_required });
      key.value = '';
      await onSignedIn();
    } catch (err) {
      useKey(null);
      message.hidden = false;
      message.textContent =
        err instanceof ApiError && (err.status === 401 || err.status === 403)
          ? 'That key was not accepted. Check it (keys start with om_ unless it is the admin key) and try again.'
          : err instanceof Error
            ? err.message
            : String(err);
      key.focus();
    }
  };
  return h(
    'main',
    { id: 'main', class: 'signin' },
    h('h1', null, 'OpenMemory'),
    h(
      'form',
      { class: 'card', onsubmit: submit },
      h('h2', null, 'Sign in'),
      h('p', null, 'Enter the admin key (OM_API_KEY) or a user key. A user key shows only its own user.'),
      h('label', { for: 'key' }, 'API key'),
      key,
      h('label', { class: 'check' }, stay, ' Stay signed in on this browser'),
      h('p', { class: 'hint' }, 'Otherwise the key is forgotten when this tab closes.'),
      message,
      h('button', { type: 'submit' }, 'Sign in'),
    ),
  );
}
