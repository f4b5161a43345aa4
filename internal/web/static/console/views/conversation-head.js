// The conversation's header: title, status, priority, assignee, the
// status and assignment actions, and the snooze form.
import { h, uid } from '../dom.js';
import { t, fmtDateTime, statusLabel } from '../i18n.js';
import { state, teamById } from '../state.js';
import { priorityBadge, messageBox } from './common.js';
import { agentLabel, patchConv } from './conversation-data.js';

function pad(n) {
  return String(n).padStart(2, '0');
}

// localInput formats a Date for <input type="datetime-local">.
function localInput(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// buildHead builds the header into v.head and returns its element.
export function buildHead(v, sideId) {
  const hd = {};
  v.head = hd;
  hd.titleEl = h('h2', { class: 'conv-title', tabindex: '-1', 'data-testid': 'conversation-title' },
    (v.conv && v.conv.contact_name) || t('visitor'));
  hd.statusEl = h('span', { class: 'badge', 'data-testid': 'conversation-status' });
  hd.prioEl = h('span', { class: 'conv-prio' });
  hd.assignedEl = h('span', { class: 'conv-assigned', 'data-testid': 'conversation-assignee' });
  hd.actions = h('div', { class: 'conv-actions', role: 'group', 'aria-label': t('conv.actions') });
  hd.detailsBtn = h('button', {
    type: 'button', class: 'btn details-toggle', 'aria-expanded': 'false', 'aria-controls': sideId, 'data-testid': 'details-toggle',
  }, t('conv.details'));
  hd.errBox = messageBox();
  hd.errBox.setAttribute('data-testid', 'conversation-error');
  hd.snooze = buildSnooze(v);
  return h('header', { class: 'conv-head' },
    h('div', { class: 'conv-head-top' },
      h('a', { class: 'back', href: v.backHref, 'data-testid': 'back-to-list' }, h('span', { 'aria-hidden': 'true' }, '‹ '), t('conv.back')),
      hd.titleEl, hd.detailsBtn),
    h('div', { class: 'conv-head-meta' }, hd.statusEl, hd.prioEl, hd.assignedEl),
    hd.actions, hd.snooze.box, hd.errBox);
}

export function renderHead(v) {
  const { conv, contact } = v;
  if (!conv) return;
  const { titleEl, statusEl, prioEl, assignedEl, actions } = v.head;
  titleEl.textContent = conv.contact_name || (contact && contact.name) || t('visitor');
  const s = conv.status || 'open';
  statusEl.className = `badge status-${s}`;
  statusEl.dataset.status = s;
  statusEl.textContent = s === 'snoozed' && conv.snoozed_until
    ? t('conv.snoozedUntil', { time: fmtDateTime(conv.snoozed_until) }) : statusLabel(s);
  prioEl.replaceChildren(conv.priority && conv.priority !== 'normal' ? priorityBadge(conv.priority) : '');
  const parts = [conv.assignee_id ? t('conv.assignedTo', { name: agentLabel(conv.assignee_id) }) : t('conv.unassigned')];
  if (conv.team_id) {
    const tm = teamById(conv.team_id);
    parts.push(t('conv.team', { name: tm ? tm.name : conv.team_id }));
  }
  assignedEl.textContent = parts.join(' · ');

  const focused = actions.contains(document.activeElement) ? document.activeElement.dataset.action : '';
  actions.replaceChildren(...actionButtons(v, s));
  if (focused) {
    const same = actions.querySelector(`[data-action="${focused}"]:not([disabled])`);
    const fallback = actions.querySelector('button:not([disabled])');
    (same || fallback || titleEl).focus();
  }
}

// actionButtons are the actions that make sense in status s.
function actionButtons(v, s) {
  const { conv } = v;
  const snooze = v.head.snooze;
  const mine = Boolean(state.me && conv.assignee_id === state.me.id);
  const btn = (action, label, onclick, attrs = {}) => h('button', { type: 'button', class: 'btn', 'data-action': action, onclick, ...attrs }, label);
  const list = [
    btn('assign-me', mine ? t('conv.assignedToMe') : t('conv.assignMe'), () => patchConv(v, { assignee_id: 'me' }),
      { 'data-testid': 'assign-me', disabled: mine }),
  ];
  if (s !== 'resolved' && s !== 'closed') {
    list.push(btn('resolve', t('conv.resolve'), () => patchConv(v, { status: 'resolved' }), { 'data-testid': 'status-resolve', class: 'btn success' }));
  }
  if (s !== 'open') {
    list.push(btn('reopen', t('conv.reopen'), () => patchConv(v, { status: 'open' }), { 'data-testid': 'status-reopen' }));
  }
  if (s === 'open') {
    list.push(btn('pending', t('conv.pending'), () => patchConv(v, { status: 'pending' }), { 'data-testid': 'status-pending' }));
  }
  if (s === 'open' || s === 'pending') {
    list.push(btn('snooze', t('conv.snooze'), () => snooze.toggle(), {
      'data-testid': 'status-snooze', 'aria-expanded': String(!snooze.box.hidden), 'aria-controls': snooze.box.id,
    }));
  } else if (!snooze.box.hidden) {
    snooze.box.hidden = true;
  }
  return list;
}

const inHour = () => new Date(Date.now() + 3600e3);
const tomorrow = () => { const d = new Date(); d.setDate(d.getDate() + 1); d.setHours(9, 0, 0, 0); return d; };
const nextWeek = () => {
  const d = new Date();
  d.setDate(d.getDate() + (((8 - d.getDay()) % 7) || 7));
  d.setHours(9, 0, 0, 0);
  return d;
};

// buildSnooze builds the "snooze until" form, hidden until asked for.
function buildSnooze(v) {
  const inputId = uid('snooze-until');
  const input = h('input', { id: inputId, type: 'datetime-local', 'data-testid': 'snooze-until' });
  const box = h('form', { class: 'snooze', id: uid('snooze'), hidden: true, novalidate: true, 'aria-label': t('snooze.title') });
  const preset = (label, make) => h('button', {
    type: 'button', class: 'btn small', onclick: () => { input.value = localInput(make()); input.focus(); },
  }, label);
  box.append(
    h('div', { class: 'field' }, h('label', { for: inputId }, t('snooze.until')), input),
    h('div', { class: 'snooze-presets', role: 'group', 'aria-label': t('snooze.presets') },
      preset(t('snooze.inHour'), inHour), preset(t('snooze.tomorrow'), tomorrow), preset(t('snooze.nextWeek'), nextWeek)),
    h('div', { class: 'btn-row' },
      h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'snooze-confirm' }, t('snooze.confirm')),
      h('button', { type: 'button', class: 'btn', onclick: () => toggle(false) }, t('common.cancel'))));
  function toggle(open = box.hidden) {
    box.hidden = !open;
    const b = v.head.actions.querySelector('[data-action="snooze"]');
    if (b) b.setAttribute('aria-expanded', String(open));
    if (open) {
      input.min = localInput(new Date());
      if (!input.value) input.value = localInput(tomorrow());
      input.focus();
    } else if (b) {
      b.focus();
    }
  }
  box.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = new Date(input.value);
    if (!input.value || Number.isNaN(d.getTime()) || d.getTime() <= Date.now()) {
      v.head.errBox.set(t('snooze.future'));
      input.focus();
      return;
    }
    box.hidden = true;
    const ok = await patchConv(v, { status: 'snoozed', snoozed_until: d.toISOString() });
    if (!ok && !v.destroyed) box.hidden = false;
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); toggle(false); }
  });
  return { box, toggle };
}
