// Change-password dialog, opened from the header. A modal <dialog>: focus
// stays inside, Escape closes it, and focus goes back to the opener.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, get, errorText } from '../api.js';
import { messageBox } from './common.js';

export const MIN_PASSWORD_CHARS = 10;

// chars counts code points, as the server does (not UTF-16 units).
const chars = (s) => Array.from(s).length;

// openPasswordDialog shows the form inside container (the shell, so the
// dialog goes away with it on sign-out) and returns the dialog element.
export function openPasswordDialog(container, opener) {
  const titleId = uid('pw-title');
  const current = h('input', {
    type: 'password', id: uid('pw-current'), name: 'current-password', autocomplete: 'current-password',
    'data-testid': 'password-current', required: true,
  });
  const next = h('input', {
    type: 'password', id: uid('pw-new'), name: 'new-password', autocomplete: 'new-password',
    'data-testid': 'password-new', required: true, minlength: String(MIN_PASSWORD_CHARS),
  });
  const repeat = h('input', {
    type: 'password', id: uid('pw-repeat'), name: 'repeat-password', autocomplete: 'new-password',
    'data-testid': 'password-repeat', required: true, minlength: String(MIN_PASSWORD_CHARS),
  });
  const hint = h('p', { class: 'hint', id: uid('hint') }, t('password.hint', { min: MIN_PASSWORD_CHARS }));
  next.setAttribute('aria-describedby', hint.id);
  const result = messageBox();
  result.setAttribute('data-testid', 'password-result');
  const submit = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'password-submit' }, t('password.submit'));
  const cancel = h('button', { type: 'button', class: 'btn', 'data-testid': 'password-cancel' }, t('common.cancel'));

  const form = h('form', { novalidate: true },
    h('h2', { id: titleId, class: 'dialog-title' }, t('password.title')),
    h('p', { class: 'hint dialog-lead' }, t('password.lead')),
    h('div', { class: 'field' }, h('label', { for: current.id }, t('password.current')), current),
    h('div', { class: 'field' }, h('label', { for: next.id }, t('password.new')), next, hint),
    h('div', { class: 'field' }, h('label', { for: repeat.id }, t('password.repeat')), repeat),
    result,
    h('div', { class: 'btn-row dialog-actions' }, cancel, submit));
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': 'password-dialog' }, form);

  // show puts a message in the result line: kind 'error' or 'ok'.
  const show = (text, kind = 'error') => {
    result.set(text, kind);
    result.setAttribute('data-state', text ? kind : '');
  };
  const fail = (text, input) => {
    show(text);
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };

  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    show('');
    for (const el of [current, next, repeat]) el.removeAttribute('aria-invalid');
    if (!current.value) return fail(t('password.needCurrent'), current);
    if (chars(next.value) < MIN_PASSWORD_CHARS) return fail(t('password.tooShort', { min: MIN_PASSWORD_CHARS }), next);
    if (next.value === current.value) return fail(t('password.same'), next);
    if (repeat.value !== next.value) return fail(t('password.mismatch'), repeat);

    submit.disabled = true;
    submit.textContent = t('password.saving');
    try {
      // quiet401: a wrong current password is a 401 too, and must not sign
      // the console out.
      await api('POST', '/api/v1/me/password', { current_password: current.value, new_password: next.value }, { quiet401: true });
      current.value = '';
      next.value = '';
      repeat.value = '';
      show(t('password.done'), 'ok');
      submit.hidden = true;
      cancel.textContent = t('common.close');
      cancel.focus();
    } catch (err) {
      if (err.status === 401) {
        // Either the current password is wrong or the session ended; a
        // plain read tells which (and signs out if the session is gone).
        try {
          await get('/api/v1/me');
        } catch {
          return;
        }
        current.value = '';
        fail(t('password.wrongCurrent'), current);
      } else {
        show(errorText(err));
      }
    } finally {
      submit.disabled = false;
      submit.textContent = t('password.submit');
    }
  });

  container.append(dialog);
  dialog.showModal();
  current.focus();
  return dialog;
}
