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
    submit.disabled = true;
    submit.textContent = t('login.signingIn');
    try {
      const data = await api('POST', '/api/v1/session', { email: em, password: password.value }, { quiet401: true });
      if (!data || !data.agent) throw new Error('no agent in answer');
      onSignedIn(data);
    } catch (err) {
      box.set(errorText(err));
      submit.disabled = false;
      submit.textContent = t('login.submit');
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
