// Small UI pieces shared by the views.
import { h, uid, copyText } from '../dom.js';
import { t, statusLabel, priorityLabel } from '../i18n.js';

export const STATUSES = ['open', 'pending', 'snoozed', 'resolved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const ROLES = ['agent', 'supervisor', 'admin'];

export function statusBadge(status, attrs = {}) {
  return h('span', { ...attrs, class: `badge status-${status || 'open'}`, 'data-status': status }, statusLabel(status));
}

export function priorityBadge(priority, attrs = {}) {
  return h('span', { ...attrs, class: `badge prio-${priority}`, 'data-priority': priority },
    t('prio.badge', { priority: priorityLabel(priority) }));
}

// field wraps a control with its label (and an optional hint).
export function field(label, control, hint) {
  if (!control.id) control.id = uid('f');
  let hintEl = null;
  if (hint) {
    hintEl = h('p', { class: 'hint', id: uid('hint') }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

// messageBox is a status line for errors or notices: box.set(text, kind).
export function messageBox() {
  const el = h('p', { class: 'msgbox', role: 'alert', hidden: true });
  el.set = (text, kind = 'error') => {
    el.textContent = text || '';
    el.hidden = !text;
    el.className = `msgbox msgbox-${kind}`;
  };
  return el;
}

// copyButton copies text() and says so for a moment.
export function copyButton(text, label = t('common.copy'), attrs = {}) {
  const live = h('span', { class: 'sr-only', 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'btn small', ...attrs }, label);
  btn.addEventListener('click', async () => {
    const ok = await copyText(typeof text === 'function' ? text() : text);
    btn.textContent = ok ? t('common.copied') : t('common.copyFailed');
    live.textContent = btn.textContent;
    setTimeout(() => { btn.textContent = label; live.textContent = ''; }, 2000);
  });
  return h('span', { class: 'copy' }, btn, live);
}

// secretBox shows a value that is displayed only once (passwords, secrets).
export function secretBox(title, value, warning) {
  const code = h('code', { class: 'secret-value', 'data-testid': 'secret-value' }, value);
  return h('div', { class: 'secret', role: 'status' },
    h('p', { class: 'secret-title' }, title),
    h('div', { class: 'secret-row' }, code, copyButton(value)),
    h('p', { class: 'hint' }, warning || t('common.shownOnce')));
}

export function select(options, value, attrs = {}) {
  return h('select', { ...attrs, value },
    options.map(([v, label]) => h('option', { value: v }, label)));
}

export function pageHeading(text) {
  return h('h1', { class: 'page-title', tabindex: '-1' }, text);
}

// mergeConv applies a full conversation from the server over what we know,
// keeping the list-only fields (contact name, last message) when absent.
export function mergeConv(old, next) {
  if (!old) return next;
  const m = { ...next };
  for (const k of ['contact_name', 'contact_email', 'last_message']) {
    if (m[k] === undefined && old[k] !== undefined) m[k] = old[k];
  }
  return m;
}
