// The canned-replies popup of the composer: typing "/query" in the reply
// box offers the matching canned replies; Enter or Tab inserts one, with
// {{contact.name}} and {{agent.name}} filled in.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { state, loadCanned } from '../state.js';

// createCanned wires the popup to the textarea ta; onInsert runs after a
// reply was inserted.
export function createCanned(v, ta, listId, onInsert) {
  const popup = h('ul', { id: listId, role: 'listbox', class: 'canned-pop', hidden: true, 'aria-label': t('canned.popupLabel'), 'data-testid': 'canned-popup' });
  return {
    v, ta, popup, listId, onInsert,
    items: [],
    active: 0,
    range: null, // {start, end} of "/query" in the textarea
    dismissedAt: -1,
  };
}

function cannedQuery(ta) {
  const pos = ta.selectionStart;
  if (pos !== ta.selectionEnd) return null;
  const before = ta.value.slice(0, pos);
  const m = /(^|\s)\/([^\s/]*)$/.exec(before);
  if (!m) return null;
  return { start: pos - m[2].length - 1, end: pos, query: m[2].toLowerCase() };
}

export function closePopup(p) {
  p.popup.hidden = true;
  p.popup.replaceChildren();
  p.items = [];
  p.range = null;
  p.ta.removeAttribute('aria-activedescendant');
}

function renderPopup(p) {
  const { popup, listId } = p;
  popup.replaceChildren(...p.items.map((c, i) => {
    const opt = h('li', {
      id: `${listId}-${i}`, role: 'option', class: 'canned-opt', 'aria-selected': String(i === p.active), 'data-testid': 'canned-option',
      'data-shortcut': c.shortcut,
    },
    h('span', { class: 'canned-short' }, `/${c.shortcut}`),
    c.title ? h('span', { class: 'canned-title' }, c.title) : null,
    h('span', { class: 'canned-body' }, (c.body || '').replace(/\s+/g, ' ').slice(0, 120)));
    opt.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the textarea
    opt.addEventListener('click', () => insert(p, i));
    return opt;
  }));
  popup.hidden = false;
  p.ta.setAttribute('aria-activedescendant', `${listId}-${p.active}`);
  const el = popup.children[p.active];
  if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
}

// updatePopup shows the canned replies that match the "/query" at the caret.
export function updatePopup(p) {
  const q = cannedQuery(p.ta);
  if (!q || q.start === p.dismissedAt) { closePopup(p); return; }
  p.dismissedAt = -1;
  const list = state.canned || [];
  if (!state.canned) loadCanned().then(() => { if (!p.v.destroyed && document.activeElement === p.ta) updatePopup(p); });
  const scored = [];
  for (const c of list) {
    const sc = String(c.shortcut || '').toLowerCase();
    const ti = String(c.title || '').toLowerCase();
    let rank = -1;
    if (sc.startsWith(q.query)) rank = 0;
    else if (sc.includes(q.query)) rank = 1;
    else if (ti.includes(q.query)) rank = 2;
    if (rank >= 0) scored.push([rank, sc, c]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const next = scored.slice(0, 8).map((x) => x[2]);
  if (!next.length) { closePopup(p); return; }
  const sameStart = p.range && p.range.start === q.start;
  p.items = next;
  p.range = q;
  if (!sameStart || p.active >= p.items.length) p.active = 0;
  renderPopup(p);
}

const NAME_VAR = String.raw`\{\{\s*contact\.name\s*\}\}`;

// fillName puts the contact's name in place of {{contact.name}}. Without a
// known name the variable goes, with the space or comma that joined it to
// the text: "Hi {{contact.name}}," reads "Hi," and "{{contact.name}}，您好"
// reads "您好"; never "Hi Visitor".
export function fillName(body, name) {
  if (name) return body.replace(new RegExp(NAME_VAR, 'g'), () => name);
  return body
    .replace(new RegExp(`(^|\\n)[ \\t]*${NAME_VAR}[ \\t]*[,，、:：]?[ \\t]*`, 'g'), '$1')
    .replace(new RegExp(`[ \\t]*${NAME_VAR}[ \\t]*(?=[,，.。!！?？:：;；、])`, 'g'), '')
    .replace(new RegExp(`[ \\t]*${NAME_VAR}`, 'g'), '');
}

function fill(v, body) {
  const name = (v.contact && v.contact.name) || (v.conv && v.conv.contact_name) || '';
  return fillName(String(body || ''), name)
    .replace(/\{\{\s*agent\.name\s*\}\}/g, () => (state.me && (state.me.name || state.me.email)) || '');
}

function insert(p, i) {
  const c = p.items[i];
  if (!c || !p.range) return;
  const { ta } = p;
  const text = fill(p.v, c.body);
  const val = ta.value;
  ta.value = val.slice(0, p.range.start) + text + val.slice(p.range.end);
  const caret = p.range.start + text.length;
  ta.setSelectionRange(caret, caret);
  closePopup(p);
  p.onInsert();
}

// popupKeydown handles the popup's keys; it returns true when it used e.
export function popupKeydown(p, e) {
  const open = !p.popup.hidden && p.items.length > 0;
  if (!open) return false;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    p.active = (p.active + (e.key === 'ArrowDown' ? 1 : p.items.length - 1)) % p.items.length;
    renderPopup(p);
    return true;
  }
  if ((e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey) {
    e.preventDefault();
    insert(p, p.active);
    return true;
  }
  if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    p.dismissedAt = p.range ? p.range.start : -1;
    closePopup(p);
    return true;
  }
  return false;
}
