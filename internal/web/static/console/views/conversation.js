// One conversation: header with status and assignment actions, the message
// thread (live), the reply/note composer with canned replies, and the
// details panel (properties, tags, contact, attributes, past conversations).
//
// This module lays the view out, loads it and follows live events; each
// part lives beside it (conversation-head, -thread, -composer, -canned,
// -side) and they share one object v (see conversation-data.js).
import { h, uid, randomId } from '../dom.js';
import { t } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';
import { on, markSeen, getDraft } from '../state.js';
import { mergeConv } from './common.js';
import { loadExplorers } from '../wallet.js';
import { applyConv } from './conversation-data.js';
import { buildHead, renderHead } from './conversation-head.js';
import { buildThread, fetchMessages, receive, finishLoad, redact, showTyping } from './conversation-thread.js';
import { buildComposer } from './conversation-composer.js';
import { buildSide, updateSide, renderContact, loadContact, loadPast, loadBot } from './conversation-side.js';
import { loadVisitor } from './conversation-visitor.js';

export function mountConversation(container, id, { backHref, initial }) {
  const draft = getDraft(id);
  if (!draft.cmid) draft.cmid = randomId();
  const timers = new Set();
  const v = {
    id,
    backHref,
    draft,
    conv: initial ? { ...initial } : null,
    contact: null,
    destroyed: false,
    loaded: false,
    later: (fn, ms) => {
      const tm = setTimeout(() => { timers.delete(tm); fn(); }, ms);
      timers.add(tm);
      return tm;
    },
    refresh: () => { renderHead(v); updateSide(v); },
  };

  const sideId = uid('side');
  const head = buildHead(v, sideId);
  const thread = buildThread(v);
  const composer = buildComposer(v);
  const side = h('aside', { id: sideId, class: 'conv-side', 'aria-label': t('side.title'), 'data-testid': 'details-panel' });
  const main = h('div', { class: 'conv-main' }, head, thread.el, thread.typingEl, composer);
  const root = h('div', { class: 'conv', 'data-conversation-id': id }, main, side);
  v.main = main;
  container.replaceChildren(root);

  const { detailsBtn } = v.head;
  detailsBtn.addEventListener('click', () => setSide(!root.classList.contains('show-side')));
  function setSide(open) {
    root.classList.toggle('show-side', open);
    detailsBtn.setAttribute('aria-expanded', String(open));
    if (open) {
      const first = side.querySelector('h3');
      if (first) { first.setAttribute('tabindex', '-1'); first.focus(); }
    } else {
      detailsBtn.focus();
    }
  }
  side.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && root.classList.contains('show-side')) setSide(false);
  });
  buildSide(v, side, () => setSide(false));

  const onVisible = () => {
    if (document.visibilityState === 'visible' && v.thread.lastSeq) markSeen(id, v.thread.lastSeq);
  };
  document.addEventListener('visibilitychange', onVisible);

  const offs = [
    on('ws:event', (ev) => onEvent(v, ev)),
    on('ws:typing', (f) => {
      if (f && f.conversation_id === id && f.from !== 'agent') showTyping(v);
    }),
    on('refs', () => { renderHead(v); updateSide(v); }),
    on('resync', () => {
      api('GET', apiPath('conversations', id)).then((c) => applyConv(v, c, false)).catch(() => {});
      if (v.loaded) fetchMessages(v, true).catch(() => {});
    }),
  ];

  load(v);
  v.head.titleEl.focus({ preventScroll: true });

  return {
    id,
    destroy() {
      v.destroyed = true;
      offs.forEach((f) => f());
      document.removeEventListener('visibilitychange', onVisible);
      for (const tm of timers) clearTimeout(tm);
      timers.clear();
    },
  };
}

// load reads the conversation, its contact and its messages, then the
// contact's past conversations and the bot's decisions.
async function load(v) {
  const { id } = v;
  if (v.conv) { renderHead(v); updateSide(v); }
  try {
    const c = await api('GET', apiPath('conversations', id));
    if (v.destroyed) return;
    v.conv = mergeConv(v.conv, c);
  } catch (err) {
    if (v.destroyed) return;
    loadFailed(v, err);
    return;
  }
  renderHead(v);
  updateSide(v);
  await Promise.all([loadContact(v), loadExplorers()]);
  if (v.destroyed) return;
  renderHead(v);
  renderContact(v);
  try {
    await fetchMessages(v, false);
  } catch (err) {
    if (!v.destroyed) v.head.errBox.set(errorText(err));
  }
  if (v.destroyed) return;
  finishLoad(v);
  markSeen(id, Math.max(v.thread.lastSeq, Number(v.conv.last_seq || 0)));
  loadPast(v);
  loadBot(v);
  loadVisitor(v);
}

function loadFailed(v, err) {
  v.thread.el.removeAttribute('aria-busy');
  if (err.status === 404) {
    v.main.replaceChildren(h('div', { class: 'placeholder' },
      h('h2', { tabindex: '-1' }, t('conv.notFound')),
      h('p', {}, h('a', { href: v.backHref }, t('conv.back')))));
    v.side.el.remove();
  } else {
    v.thread.empty.textContent = errorText(err);
  }
}

function onEvent(v, ev) {
  const { id, conv } = v;
  if (!ev || ev.conversation_id !== id) {
    // The conversation event payload carries its own id.
    if (!(ev && ev.payload && ev.payload.id === id)) return;
  }
  const p = ev.payload || {};
  if (ev.type === 'message.created') {
    if (p.conversation_status && conv && conv.status !== p.conversation_status) {
      conv.status = p.conversation_status;
      renderHead(v);
    }
    receive(v, p.message, true);
  } else if (ev.type === 'conversation.updated' || ev.type === 'conversation.created') {
    applyConv(v, p, false);
  } else if (ev.type === 'message.redacted') {
    // A later message completed a secret: earlier bodies lost it.
    redact(v, p.messages);
  }
}
