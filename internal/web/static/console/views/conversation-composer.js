// The conversation's composer: a reply to the visitor or an internal note,
// with an attachment, canned replies (see conversation-canned.js), a draft
// kept per conversation, and typing pings to the visitor.
import { h, uid, randomId } from '../dom.js';
import { t, fmtSize } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';
import { loadCanned } from '../state.js';
import { messageBox } from './common.js';
import { createCanned, closePopup, updatePopup, popupKeydown } from './conversation-canned.js';
import { receiveSent } from './conversation-thread.js';

const TYPING_EVERY = 2000; // ms between typing pings

// buildComposer builds the composer into v.composer and returns its form.
export function buildComposer(v) {
  const c = { v, file: null, sending: false, lastTyping: 0 };
  v.composer = c;
  c.form = h('form', { class: 'composer', novalidate: true, 'aria-label': t('composer.label') });
  c.replyBtn = h('button', { type: 'button', class: 'seg', 'data-testid': 'reply-toggle', 'aria-pressed': 'true' }, t('composer.modeReply'));
  c.noteBtn = h('button', { type: 'button', class: 'seg seg-note', 'data-testid': 'note-toggle', 'aria-pressed': 'false' }, t('composer.modeNote'));
  const taId = uid('reply');
  const listId = uid('canned-list');
  const hintId = uid('reply-hint');
  c.label = h('label', { for: taId, class: 'sr-only' }, t('composer.replyLabel'));
  c.ta = h('textarea', {
    id: taId, 'data-testid': 'reply-input', rows: '3', maxlength: '10000', 'aria-describedby': hintId,
    'aria-autocomplete': 'list', 'aria-controls': listId, autocomplete: 'off',
  });
  c.canned = createCanned(v, c.ta, listId, () => {
    v.draft.body = c.ta.value;
    autosize(c);
    c.ta.focus();
  });
  c.fileInput = h('input', {
    type: 'file', class: 'sr-only', tabindex: '-1', 'aria-hidden': 'true', 'data-testid': 'attach-input', 'aria-label': t('composer.attach'),
    accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain',
  });
  c.attachBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'attach-button' }, t('composer.attach'));
  c.fileChip = h('span', { class: 'file-chip', hidden: true });
  c.sendBtn = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'reply-send' }, t('composer.send'));
  const hint = h('p', { id: hintId, class: 'hint composer-hint' }, t('composer.hint'));
  c.cerr = messageBox();
  c.cerr.setAttribute('data-testid', 'composer-error');

  c.form.append(
    h('div', { class: 'composer-modes', role: 'group', 'aria-label': t('composer.mode') }, c.replyBtn, c.noteBtn),
    c.label,
    h('div', { class: 'composer-input' }, c.ta, c.canned.popup),
    c.cerr,
    h('div', { class: 'composer-bar' }, hint, h('div', { class: 'composer-btns' }, c.attachBtn, c.fileInput, c.fileChip, c.sendBtn)));

  wireComposer(c);
  c.ta.value = v.draft.body;
  setMode(c, v.draft.note);
  return c.form;
}

function wireComposer(c) {
  const { v, ta } = c;
  c.replyBtn.addEventListener('click', () => { setMode(c, false); ta.focus(); });
  c.noteBtn.addEventListener('click', () => { setMode(c, !v.draft.note); ta.focus(); });
  c.attachBtn.addEventListener('click', () => c.fileInput.click());
  c.fileInput.addEventListener('change', () => pickFile(c));
  c.form.addEventListener('submit', (e) => { e.preventDefault(); send(c); });
  ta.addEventListener('keydown', (e) => {
    if (popupKeydown(c.canned, e)) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.isComposing) {
      e.preventDefault();
      send(c);
    }
  });
  ta.addEventListener('input', () => {
    v.draft.body = ta.value;
    autosize(c);
    updatePopup(c.canned);
    if (c.cerr.textContent && ta.value.trim()) c.cerr.set('');
    if (!v.draft.note && ta.value.trim() && Date.now() - c.lastTyping >= TYPING_EVERY) {
      c.lastTyping = Date.now();
      api('POST', apiPath('conversations', v.id, 'typing')).catch(() => {});
    }
  });
  ta.addEventListener('click', () => updatePopup(c.canned));
  ta.addEventListener('focus', () => { loadCanned(); });
  ta.addEventListener('blur', () => v.later(() => { if (document.activeElement !== ta) closePopup(c.canned); }, 150));
}

function setMode(c, note) {
  c.v.draft.note = note;
  c.form.classList.toggle('is-note', note);
  c.replyBtn.setAttribute('aria-pressed', String(!note));
  c.noteBtn.setAttribute('aria-pressed', String(note));
  c.label.textContent = note ? t('composer.noteLabel') : t('composer.replyLabel');
  c.ta.placeholder = note ? t('composer.notePlaceholder') : t('composer.replyPlaceholder');
  c.sendBtn.textContent = note ? t('composer.addNote') : t('composer.send');
  c.attachBtn.disabled = note;
  c.attachBtn.title = note ? t('composer.noAttachInNote') : '';
  if (note && c.file) clearFile(c);
}

function autosize(c) {
  c.ta.style.height = 'auto';
  c.ta.style.height = `${Math.min(c.ta.scrollHeight + 2, Math.round(window.innerHeight * 0.4))}px`;
}

function clearFile(c) {
  c.file = null;
  c.fileInput.value = '';
  c.fileChip.hidden = true;
  c.fileChip.replaceChildren();
}

function pickFile(c) {
  const { fileInput, fileChip } = c;
  c.file = fileInput.files && fileInput.files[0] ? fileInput.files[0] : null;
  const { file } = c;
  if (!file) { clearFile(c); return; }
  fileChip.hidden = false;
  fileChip.replaceChildren(
    h('span', { class: 'file-name' }, `${file.name} (${fmtSize(file.size)})`),
    h('button', { type: 'button', class: 'chip-x', 'aria-label': t('composer.removeFile', { name: file.name }), onclick: () => { clearFile(c); c.attachBtn.focus(); } }, '×'));
  c.ta.focus();
}

// send posts the reply or note (with its attachment), with the draft's
// client_message_id so a retry is never stored twice.
async function send(c) {
  const { v, ta, file, cerr, sendBtn, form } = c;
  const { draft, id } = v;
  if (c.sending) return;
  const body = ta.value;
  if (!body.trim() && !file) {
    cerr.set(t('composer.empty'));
    ta.focus();
    return;
  }
  cerr.set('');
  c.sending = true;
  sendBtn.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    let msg;
    if (file) {
      const fd = new FormData();
      fd.append('file', file, file.name);
      if (body.trim()) fd.append('body', body);
      fd.append('client_message_id', draft.cmid);
      msg = await api('POST', apiPath('conversations', id, 'attachments'), undefined, { form: fd });
    } else {
      msg = await api('POST', apiPath('conversations', id, 'messages'), { body, private: draft.note, client_message_id: draft.cmid });
    }
    draft.body = '';
    draft.cmid = randomId();
    if (v.destroyed) return;
    ta.value = '';
    clearFile(c);
    autosize(c);
    closePopup(c.canned);
    receiveSent(v, msg);
  } catch (err) {
    if (!v.destroyed) cerr.set(errorText(err));
  } finally {
    c.sending = false;
    sendBtn.disabled = false;
    form.removeAttribute('aria-busy');
  }
}
