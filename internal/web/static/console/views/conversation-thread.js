// The conversation's message thread: every message once, in seq order,
// live from the socket with gaps read from the server, and the visitor's
// typing indicator.
import { h, announce } from '../dom.js';
import { t, fmtDateTime, fmtMsgTime, fmtSize } from '../i18n.js';
import { api, apiPath, qs } from '../api.js';
import { state, agentById, markSeen } from '../state.js';
import { linkifyWallet } from '../wallet.js';
// One Markdown renderer for bot messages, the chat's (served from /static/chat/).
import { renderMarkdown } from '../../chat/markdown.js';
import { contactName } from './conversation-data.js';
import { reloadBotSoon } from './conversation-side.js';

const PAGE = 1000; // messages per history call
const TYPING_SHOW = 4000; // ms a visitor typing frame stays visible

// buildThread builds the thread into v.thread.
export function buildThread(v) {
  const th = {
    el: h('ol', { class: 'thread', 'data-testid': 'thread', tabindex: '0', 'aria-label': t('conv.thread'), 'aria-busy': 'true' }),
    empty: h('li', { class: 'thread-empty' }, t('conv.loading')),
    typingEl: h('p', { class: 'typing', 'data-testid': 'typing-indicator', 'aria-live': 'polite' }),
    typingTimer: 0,
    seqs: new Set(),
    lastSeq: 0,
    fetching: null,
    fetchAgain: false,
    buffered: [],
    stick: true,
  };
  th.el.append(th.empty);
  th.el.addEventListener('scroll', () => {
    th.stick = th.el.scrollHeight - th.el.scrollTop - th.el.clientHeight < 60;
  }, { passive: true });
  v.thread = th;
  return th;
}

function authorName(v, m) {
  if (m.author_name) return m.author_name;
  if (m.direction === 'inbound' || m.author_type === 'contact') return contactName(v);
  if (m.author_type === 'agent' || m.direction === 'outbound' || m.direction === 'note') {
    const a = agentById(m.author_id);
    if (a) return a.name || a.email;
    return t('msg.agent');
  }
  if (m.direction === 'bot' || m.author_type === 'bot') return t('msg.bot');
  return t('msg.system');
}

function renderAttachment(v, a) {
  const url = apiPath('conversations', v.id, 'attachments', a.id);
  const isImage = /^image\/(png|jpe?g|gif|webp)/i.test(a.content_type || '');
  if (isImage) {
    const img = h('img', { src: url, alt: a.filename || t('msg.image'), loading: 'lazy', class: 'att-img', decoding: 'async' });
    img.addEventListener('load', () => { if (v.thread.stick) scrollToBottom(v); });
    return h('li', { class: 'att att-image' },
      h('a', { href: url, target: '_blank', rel: 'noopener', 'aria-label': t('msg.openImage', { name: a.filename || '' }) }, img));
  }
  return h('li', { class: 'att att-file' },
    h('a', { href: url, download: a.filename || true, class: 'att-link' },
      h('span', { 'aria-hidden': 'true', class: 'att-icon' }, '⎙ '),
      h('span', { class: 'att-name' }, a.filename || t('msg.file')),
      a.size ? h('span', { class: 'att-size' }, ` (${fmtSize(a.size)})`) : null));
}

function renderMessage(v, m) {
  const dir = ['inbound', 'outbound', 'note', 'bot', 'system'].includes(m.direction) ? m.direction : 'system';
  const li = h('li', {
    class: `msg msg-${dir}`, 'data-testid': 'message', 'data-direction': dir, 'data-seq': m.seq, 'data-message-id': m.id,
  });
  const time = h('time', { class: 'msg-time', datetime: m.created_at, title: fmtDateTime(m.created_at) }, fmtMsgTime(m.created_at));
  const atts = Array.isArray(m.attachments) ? m.attachments : [];
  if (dir === 'system') {
    li.append(h('div', { class: 'msg-bubble' },
      h('span', { class: 'sr-only' }, `${t('msg.system')}: `),
      h('span', { class: 'msg-body' }, m.body), ' ', time));
    return li;
  }
  const label = { note: t('msg.noteLabel'), bot: t('msg.botLabel') }[dir];
  li.append(h('div', { class: 'msg-bubble' },
    h('div', { class: 'msg-head' },
      h('span', { class: 'msg-author' }, authorName(v, m)),
      label ? h('span', { class: 'msg-label' }, label) : null,
      time),
    m.body ? messageBody(dir, m.body) : null,
    atts.length ? h('ul', { class: 'msg-atts' }, atts.map((a) => renderAttachment(v, a))) : null));
  return li;
}

// messageBody shows a bot message's Markdown (bold, lists, links) as the
// visitor saw it; everything else is text with wallet links.
function messageBody(dir, body) {
  if (dir === 'bot') {
    return h('div', { class: 'msg-body md', 'data-testid': 'message-markdown' },
      renderMarkdown(body, { text: linkifyWallet, target: '_blank' }));
  }
  return h('div', { class: 'msg-body' }, linkifyWallet(body));
}

function scrollToBottom(v) {
  const th = v.thread;
  th.el.scrollTop = th.el.scrollHeight;
  th.stick = true;
}

// addMessages puts messages into the thread in seq order, once each.
function addMessages(v, list, live) {
  const th = v.thread;
  let ownLive = false;
  const sorted = [...list].sort((a, b) => a.seq - b.seq);
  for (const m of sorted) {
    if (!m || !(m.seq > 0) || th.seqs.has(m.seq)) continue;
    th.seqs.add(m.seq);
    const li = renderMessage(v, m);
    if (m.seq > th.lastSeq) {
      th.el.append(li);
      th.lastSeq = m.seq;
    } else {
      const after = [...th.el.children].find((c) => Number(c.dataset.seq) > m.seq);
      th.el.insertBefore(li, after || null);
    }
    if (live) {
      const fromMe = m.author_type === 'agent' && state.me && m.author_id === state.me.id;
      if (fromMe) ownLive = true;
      else announce(t('announce.message', { name: authorName(v, m), text: (m.body || t('row.attachment')).slice(0, 160) }));
      if (m.direction === 'inbound') hideTyping(v);
    }
  }
  if (th.empty.isConnected && th.seqs.size) th.empty.remove();
  if (th.stick || ownLive) scrollToBottom(v);
  if (v.conv && th.lastSeq > Number(v.conv.last_seq || 0)) v.conv.last_seq = th.lastSeq;
  if (document.visibilityState === 'visible') markSeen(v.id, th.lastSeq);
}

// fetchMessages reads everything after lastSeq (pages of 1000).
export function fetchMessages(v, live) {
  const th = v.thread;
  if (th.fetching) { th.fetchAgain = true; return th.fetching; }
  th.fetching = (async () => {
    do {
      th.fetchAgain = false;
      for (;;) {
        const d = await api('GET', `${apiPath('conversations', v.id, 'messages')}${qs({ after: th.lastSeq })}`);
        if (v.destroyed) return;
        const msgs = (d && d.messages) || [];
        addMessages(v, msgs, live);
        if (msgs.length < PAGE) break;
      }
    } while (th.fetchAgain && !v.destroyed);
  })().finally(() => { th.fetching = null; });
  return th.fetching;
}

// receive handles one message from the socket or from our own send.
export function receive(v, m, live) {
  const th = v.thread;
  if (!m || th.seqs.has(m.seq)) return;
  if (v.loaded && (m.direction === 'bot' || m.direction === 'inbound')) reloadBotSoon(v);
  if (!v.loaded) { th.buffered.push(m); return; }
  if (m.seq === th.lastSeq + 1) addMessages(v, [m], live);
  else fetchMessages(v, live).catch(() => {}); // a gap: read it from the server
}

// receiveSent shows the message the agent has just sent, and follows it.
export function receiveSent(v, msg) {
  v.thread.stick = true;
  if (msg && msg.seq) receive(v, msg, false);
}

// finishLoad runs once the history is in: it shows what arrived
// meanwhile and scrolls to the newest message.
export function finishLoad(v) {
  const th = v.thread;
  v.loaded = true;
  th.el.removeAttribute('aria-busy');
  if (!th.seqs.size) th.empty.textContent = t('conv.noMessages');
  const pending = th.buffered.splice(0);
  for (const m of pending) receive(v, m, true);
  scrollToBottom(v);
}

// redact replaces bodies that lost a secret a later message completed.
export function redact(v, messages) {
  for (const m of messages || []) {
    const body = v.thread.el.querySelector(`li[data-seq="${Number(m.seq)}"] .msg-body`);
    if (body) body.replaceChildren(...linkifyWallet(String(m.body || '')));
  }
}

export function showTyping(v) {
  const th = v.thread;
  th.typingEl.textContent = t('conv.visitorTyping');
  th.typingEl.classList.add('on');
  clearTimeout(th.typingTimer);
  th.typingTimer = v.later(() => hideTyping(v), TYPING_SHOW);
}

function hideTyping(v) {
  const th = v.thread;
  clearTimeout(th.typingTimer);
  th.typingEl.textContent = '';
  th.typingEl.classList.remove('on');
}
