// Sign-in page.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { messageBox } from './common.js';

// mountLogin renders the sign-in form; onSignedIn gets the session answer
// ({agent, csrf_token}). notice is an optional message (e.g. session ended).
export function mountLogin(container, { onSignedIn, notice, langButton }) {
  const emailId = uid('login-email');
  const pwId = uid('login-password');
  const email = h('input', {
    id: emailId, type: 'email', name: 'email', autocomplete: 'username', 'data-testid': 'login-email',
    required: true, spellcheck: 'false', autocapitalize: 'none',
  });
  const password = h('input', {
    id: pwId, type: 'password', name: 'password', autocomplete: 'current-password',
    'data-testid': 'login-password', required: true,
  });
  // The second factor: shown when the server answers totp_required.
  const codeId = uid('login-code');
  const code = h('input', {
    id: codeId, type: 'text', name: 'totp_code', autocomplete: 'one-time-code', inputmode: 'numeric',
    'data-testid': 'login-totp', spellcheck: 'false', autocapitalize: 'none', maxlength: '20',
  });
  let useRecovery = false;
  const codeLabel = h('label', { for: codeId }, t('login.totpCode'));
  const codeHint = h('p', { class: 'hint', id: uid('hint') }, t('login.totpHint'));
  code.setAttribute('aria-describedby', codeHint.id);
  const recoveryToggle = h('button', { type: 'button', class: 'btn subtle small', 'data-testid': 'login-use-recovery' }, t('login.useRecovery'));
  recoveryToggle.addEventListener('click', () => {
    useRecovery = !useRecovery;
    codeLabel.textContent = t(useRecovery ? 'login.recoveryCode' : 'login.totpCode');
    codeHint.textContent = t(useRecovery ? 'login.recoveryHint' : 'login.totpHint');
    recoveryToggle.textContent = t(useRecovery ? 'login.useTotp' : 'login.useRecovery');
    code.setAttribute('inputmode', useRecovery ? 'text' : 'numeric');
    code.value = '';
    code.focus();
  });
  const codeField = h('div', { class: 'field', hidden: true, 'data-testid': 'login-totp-field' }, codeLabel, code, codeHint, recoveryToggle);
  const box = messageBox();
  box.setAttribute('data-testid', 'login-error');
  const submit = h('button', { type: 'submit', class: 'btn primary wide', 'data-testid': 'login-submit' }, t('login.submit'));
  const title = h('h1', { class: 'login-title', tabindex: '-1' }, t('login.title'));

  const form = h('form', { class: 'login-form', novalidate: true, 'aria-labelledby': title.id = uid('login-title') },
    title,
    h('p', { class: 'login-sub' }, t('login.subtitle')),
    notice ? h('p', { class: 'msgbox msgbox-info', role: 'status' }, notice) : null,
    h('div', { class: 'field' }, h('label', { for: emailId }, t('login.email')), email),
    h('div', { class: 'field' }, h('label', { for: pwId }, t('login.password')), password),
    codeField,
    box,
    submit);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    box.set('');
    const em = email.value.trim();
    if (!em || !password.value) {
      box.set(t('login.required'));
      (em ? password : email).focus();
      return;
    }
    const body = { email: em, password: password.value };
    if (!codeField.hidden && code.value.trim()) body[useRecovery ? 'recovery_code' : 'totp_code'] = code.value.trim();
    submit.disabled = true;
    submit.textContent = t('login.signingIn');
    try {
      const data = await api('POST', '/api/v1/session', body, { quiet401: true });
      if (!data || !data.agent) throw new Error('no agent in answer');
      onSignedIn(data);
    } catch (err) {
      submit.disabled = false;
      submit.textContent = t('login.submit');
      if (err && err.code === 'totp_required') {
        const first = codeField.hidden;
        codeField.hidden = false;
        box.set(first ? t('login.totpNeeded') : t('login.totpRequired'), first ? 'info' : 'error');
        code.focus();
        return;
      }
      box.set(errorText(err));
      if (!codeField.hidden) {
        code.select();
        code.focus();
        return;
      }
      password.select();
      password.focus();
    }
  });

  const page = h('div', { class: 'login-page' },
    h('header', { class: 'login-top' },
      h('span', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '回'), t('app.name')),
      langButton),
    h('main', { class: 'login-main', id: 'main' }, form));
  container.replaceChildren(page);
  email.focus();
  return { destroy() {} };
}
