// An inbox's HMAC secret for identified users: hidden until an admin
// reveals it, and rotatable after an in-place confirmation. The server
// records both in the audit log and never lists the secret.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';
import { copyButton } from './common.js';

export function inboxSecret(ib) {
  const value = h('code', { class: 'secret-value', 'data-testid': 'inbox-secret' }, '••••••••••••');
  const note = h('span', { class: 'hint', role: 'status', 'data-testid': 'inbox-secret-note' });
  const copySlot = h('span');
  const reveal = h('button', { type: 'button', class: 'btn small', 'data-testid': 'inbox-secret-reveal' }, t('admin.inboxes.secretReveal'));
  const rotate = h('button', { type: 'button', class: 'btn small danger', 'data-testid': 'inbox-secret-rotate' }, t('admin.inboxes.secretRotate'));
  const actions = h('span', { class: 'admin-item-actions' }, reveal, ' ', rotate);

  function show(secret) {
    value.textContent = secret;
    value.dataset.revealed = 'true';
    copySlot.replaceChildren(copyButton(secret, t('common.copy'), { 'aria-label': t('admin.inboxes.copySecret') }));
    reveal.hidden = true;
  }

  async function call(action, btn) {
    btn.disabled = true;
    note.textContent = '';
    try {
      const d = await api('POST', apiPath('inboxes', ib.id, 'secret', action), {});
      show((d && d.hmac_secret) || '');
      if (action === 'rotate') note.textContent = t('admin.inboxes.secretRotated');
    } catch (err) {
      note.textContent = errorText(err);
    } finally {
      btn.disabled = false;
    }
  }

  reveal.addEventListener('click', () => call('reveal', reveal));
  rotate.addEventListener('click', () => {
    // Asked in place: a blocking confirm() is easy to dismiss by accident.
    const yes = h('button', { type: 'button', class: 'btn small danger', 'data-testid': 'inbox-secret-rotate-confirm' }, t('admin.inboxes.secretRotateYes'));
    const no = h('button', { type: 'button', class: 'btn small' }, t('common.cancel'));
    const back = () => { actions.replaceChildren(reveal, ' ', rotate); };
    yes.addEventListener('click', async () => { await call('rotate', yes); back(); rotate.focus(); });
    no.addEventListener('click', () => { back(); rotate.focus(); });
    actions.replaceChildren(h('span', { class: 'confirm-q' }, t('admin.inboxes.secretRotateQ')), ' ', yes, ' ', no);
    no.focus();
  });

  return h('div', { class: 'inbox-secret', 'data-testid': 'inbox-secret-row' },
    h('p', { class: 'snippet-label' }, t('admin.inboxes.secret')),
    h('div', { class: 'secret-row' }, value, ' ', copySlot, ' ', actions),
    h('p', { class: 'hint' }, t('admin.inboxes.secretHint')), note);
}
