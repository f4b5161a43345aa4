// Two-factor enrollment: required for admins before anything else works
// (the server answers 403 totp_setup_required until it is done). Shows the
// otpauth:// URL as a QR code (rendered by the server) and as text with the
// secret, asks for a code, then shows the recovery codes once, to copy or
// download as a text file.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { state } from '../state.js';
import { messageBox, copyButton } from './common.js';

export function mountTotpSetup(container, { onDone, onSignOut, langButton }) {
  let destroyed = false;
  const title = h('h1', { class: 'login-title', tabindex: '-1' }, t('totp.title'));
  const box = messageBox();
  box.setAttribute('data-testid', 'totp-error');
  const step = h('div', { 'data-testid': 'totp-step' });
  const form = h('div', { class: 'login-form totp-setup', 'data-testid': 'totp-setup' },
    title,
    h('p', { class: 'login-sub' }, t('totp.intro')),
    step, box,
    h('p', {}, h('button', { type: 'button', class: 'btn subtle small', 'data-testid': 'totp-sign-out', onclick: onSignOut }, t('nav.signOut'))));

  function showEnroll(e) {
    const codeId = uid('totp-code');
    const code = h('input', {
      id: codeId, type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '10',
      'data-testid': 'totp-code', spellcheck: 'false', required: true,
    });
    const submit = h('button', { type: 'submit', class: 'btn primary wide', 'data-testid': 'totp-confirm' }, t('totp.confirm'));
    const f = h('form', { novalidate: true },
      h('ol', { class: 'totp-steps' },
        h('li', {}, t('totp.step1')),
        h('li', {}, t('totp.step2'),
          e.qr_png ? h('img', { class: 'totp-qr', src: e.qr_png, alt: t('totp.qrAlt'), 'data-testid': 'totp-qr' }) : null,
          h('div', { class: 'field' }, h('p', { class: 'snippet-label' }, t('totp.url')),
            h('code', { class: 'secret-value', 'data-testid': 'totp-url' }, e.otpauth_url), ' ',
            copyButton(e.otpauth_url, t('common.copy'), { 'aria-label': t('totp.copyUrl') })),
          h('div', { class: 'field' }, h('p', { class: 'snippet-label' }, t('totp.secret')),
            h('code', { class: 'secret-value', 'data-testid': 'totp-secret' }, e.secret), ' ',
            copyButton(e.secret, t('common.copy'), { 'aria-label': t('totp.copySecret') }))),
        h('li', {}, h('div', { class: 'field' }, h('label', { for: codeId }, t('totp.code')), code))),
      submit);
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      box.set('');
      if (!code.value.trim()) { box.set(t('totp.needCode')); code.focus(); return; }
      submit.disabled = true;
      try {
        const d = await api('POST', '/api/v1/me/totp/confirm', { code: code.value.trim() });
        if (!destroyed) showCodes((d && d.recovery_codes) || []);
      } catch (err) {
        box.set(errorText(err));
        submit.disabled = false;
        code.select();
        code.focus();
      }
    });
    step.replaceChildren(f);
    code.focus();
  }

  function showCodes(codes) {
    const text = codes.join('\n');
    const email = (state.me && state.me.email) || '';
    // A data: URL, not a blob: one, so the file can be checked under the
    // console's Content-Security-Policy (connect-src 'self').
    const fileURL = 'data:text/plain;charset=utf-8,' +
      encodeURIComponent(t('totp.codesFile', { email }) + '\n\n' + text + '\n');
    const done = h('button', { type: 'button', class: 'btn primary wide', 'data-testid': 'totp-done', onclick: onDone }, t('totp.done'));
    step.replaceChildren(h('div', { class: 'secret', role: 'status' },
      h('p', { class: 'secret-title' }, t('totp.codesTitle')),
      h('ul', { class: 'recovery-codes', 'data-testid': 'totp-recovery-codes' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
      copyButton(text, t('totp.copyCodes')), ' ',
      h('a', { class: 'btn small', href: fileURL, download: 'huiying-recovery-codes.txt', 'data-testid': 'totp-download-codes' }, t('totp.downloadCodes')),
      h('p', { class: 'hint' }, t('totp.codesOnce'))),
    done);
    done.focus();
  }

  async function start() {
    box.set('');
    try {
      const e = await api('POST', '/api/v1/me/totp', {});
      if (!destroyed) showEnroll(e);
    } catch (err) {
      if (err && err.code === 'conflict') { onDone(); return; } // on already
      box.set(errorText(err));
      step.replaceChildren(h('button', { type: 'button', class: 'btn', onclick: start }, t('totp.retry')));
    }
  }

  const page = h('div', { class: 'login-page' },
    h('header', { class: 'login-top' },
      h('span', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '回'), t('app.name')),
      langButton),
    h('main', { class: 'login-main', id: 'main' }, form));
  container.replaceChildren(page);
  title.focus();
  start();
  return { key: 'totp', destroy() { destroyed = true; } };
}
