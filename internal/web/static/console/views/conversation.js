// One conversation: header with status and assignment actions, the message
// thread (live), the reply/note composer with canned replies, and the
// details panel (properties, tags, contact, attributes, past conversations).
import { h, uid, announce, randomId } from '../dom.js';
import { t, fmtDateTime, fmtMsgTime, statusLabel, priorityLabel, fmtSize } from '../i18n.js';
import { api, apiPath, qs, errorText } from '../api.js';
import { state, on, emit, agentById, teamById, inboxById, markSeen, getDraft, loadCanned } from '../state.js';
import { statusBadge, priorityBadge, messageBox, mergeConv, PRIORITIES } from './common.js';
import { linkifyWallet, loadExplorers, walletChip, walletAttr } from '../wallet.js';

const PAGE = 1000; // messages per history call
const TYPING_EVERY = 2000; // ms between typing pings
const TYPING_SHOW = 4000; // ms a visitor typing frame stays visible

function pad(n) {
  return String(n).padStart(2, '0');
}

// localInput formats a Date for <input type="datetime-local">.
function localInput(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function mountConversation(container, id, { backHref, initial }) {
  let conv = initial ? { ...initial } : null;
  let contact = null;
  let destroyed = false;
  let loaded = false;
  const seqs = new Set();
  let lastSeq = 0;
  let fetching = null;
  let fetchAgain = false;
  const buffered = [];
  const draft = getDraft(id);
  if (!draft.cmid) draft.cmid = randomId();
  const timers = new Set();
  const later = (fn, ms) => {
    const tm = setTimeout(() => { timers.delete(tm); fn(); }, ms);
    timers.add(tm);
    return tm;
  };

  // ---- header ----------------------------------------------------------
  const sideId = uid('side');
  const titleEl = h('h2', { class: 'conv-title', tabindex: '-1', 'data-testid': 'conversation-title' },
    (conv && conv.contact_name) || t('visitor'));
  const statusEl = h('span', { class: 'badge', 'data-testid': 'conversation-status' });
  const prioEl = h('span', { class: 'conv-prio' });
  const assignedEl = h('span', { class: 'conv-assigned', 'data-testid': 'conversation-assignee' });
  const actions = h('div', { class: 'conv-actions', role: 'group', 'aria-label': t('conv.actions') });
  const detailsBtn = h('button', {
    type: 'button', class: 'btn details-toggle', 'aria-expanded': 'false', 'aria-controls': sideId, 'data-testid': 'details-toggle',
  }, t('conv.details'));
  const errBox = messageBox();
  errBox.setAttribute('data-testid', 'conversation-error');
  const snooze = buildSnooze();
  const head = h('header', { class: 'conv-head' },
    h('div', { class: 'conv-head-top' },
      h('a', { class: 'back', href: backHref, 'data-testid': 'back-to-list' }, h('span', { 'aria-hidden': 'true' }, '‹ '), t('conv.back')),
      titleEl, detailsBtn),
    h('div', { class: 'conv-head-meta' }, statusEl, prioEl, assignedEl),
    actions, snooze.box, errBox);

  // ---- thread ----------------------------------------------------------
  const thread = h('ol', { class: 'thread', 'data-testid': 'thread', tabindex: '0', 'aria-label': t('conv.thread'), 'aria-busy': 'true' });
  const threadEmpty = h('li', { class: 'thread-empty' }, t('conv.loading'));
  thread.append(threadEmpty);
  const typingEl = h('p', { class: 'typing', 'data-testid': 'typing-indicator', 'aria-live': 'polite' });
  let typingTimer = 0;

  const composer = buildComposer();
  const side = h('aside', { id: sideId, class: 'conv-side', 'aria-label': t('side.title'), 'data-testid': 'details-panel' });
  const main = h('div', { class: 'conv-main' }, head, thread, typingEl, composer.form);
  const root = h('div', { class: 'conv', 'data-conversation-id': id }, main, side);
  container.replaceChildren(root);

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

  // ---- header rendering and actions -------------------------------------
  function agentLabel(aid) {
    const a = agentById(aid);
    return a ? (a.name || a.email) : aid;
  }

  function renderHead() {
    if (!conv) return;
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
    const mine = Boolean(state.me && conv.assignee_id === state.me.id);
    const btn = (action, label, onclick, attrs = {}) => h('button', { type: 'button', class: 'btn', 'data-action': action, onclick, ...attrs }, label);
    const list = [
      btn('assign-me', mine ? t('conv.assignedToMe') : t('conv.assignMe'), () => patchConv({ assignee_id: 'me' }),
        { 'data-testid': 'assign-me', disabled: mine }),
    ];
    if (s !== 'resolved' && s !== 'closed') {
      list.push(btn('resolve', t('conv.resolve'), () => patchConv({ status: 'resolved' }), { 'data-testid': 'status-resolve', class: 'btn success' }));
    }
    if (s !== 'open') {
      list.push(btn('reopen', t('conv.reopen'), () => patchConv({ status: 'open' }), { 'data-testid': 'status-reopen' }));
    }
    if (s === 'open') {
      list.push(btn('pending', t('conv.pending'), () => patchConv({ status: 'pending' }), { 'data-testid': 'status-pending' }));
    }
    if (s === 'open' || s === 'pending') {
      list.push(btn('snooze', t('conv.snooze'), () => snooze.toggle(), {
        'data-testid': 'status-snooze', 'aria-expanded': String(!snooze.box.hidden), 'aria-controls': snooze.box.id,
      }));
    } else if (!snooze.box.hidden) {
      snooze.box.hidden = true;
    }
    actions.replaceChildren(...list);
    if (focused) {
      const same = actions.querySelector(`[data-action="${focused}"]:not([disabled])`);
      const fallback = actions.querySelector('button:not([disabled])');
      (same || fallback || titleEl).focus();
    }
  }

  // patchConv changes the conversation; resolves true on success.
  async function patchConv(body) {
    errBox.set('');
    actions.setAttribute('aria-busy', 'true');
    try {
      const c = await api('PATCH', apiPath('conversations', id), body);
      if (destroyed) return true;
      applyConv(c, true);
      return true;
    } catch (err) {
      if (!destroyed) errBox.set(errorText(err));
      return false;
    } finally {
      actions.removeAttribute('aria-busy');
    }
  }

  function applyConv(c, local) {
    if (!c || c.id !== id) return;
    conv = mergeConv(conv, c);
    renderHead();
    updateSide();
    if (local) emit('conv:local', conv);
  }

  function buildSnooze() {
    const inputId = uid('snooze-until');
    const input = h('input', { id: inputId, type: 'datetime-local', 'data-testid': 'snooze-until' });
    const box = h('form', { class: 'snooze', id: uid('snooze'), hidden: true, novalidate: true, 'aria-label': t('snooze.title') });
    const preset = (label, make) => h('button', {
      type: 'button', class: 'btn small', onclick: () => { input.value = localInput(make()); input.focus(); },
    }, label);
    const inHour = () => new Date(Date.now() + 3600e3);
    const tomorrow = () => { const d = new Date(); d.setDate(d.getDate() + 1); d.setHours(9, 0, 0, 0); return d; };
    const nextWeek = () => {
      const d = new Date();
      d.setDate(d.getDate() + (((8 - d.getDay()) % 7) || 7));
      d.setHours(9, 0, 0, 0);
      return d;
    };
    box.append(
      h('div', { class: 'field' }, h('label', { for: inputId }, t('snooze.until')), input),
      h('div', { class: 'snooze-presets', role: 'group', 'aria-label': t('snooze.presets') },
        preset(t('snooze.inHour'), inHour), preset(t('snooze.tomorrow'), tomorrow), preset(t('snooze.nextWeek'), nextWeek)),
      h('div', { class: 'btn-row' },
        h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'snooze-confirm' }, t('snooze.confirm')),
        h('button', { type: 'button', class: 'btn', onclick: () => toggle(false) }, t('common.cancel'))));
    function toggle(open = box.hidden) {
      box.hidden = !open;
      const b = actions.querySelector('[data-action="snooze"]');
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
        errBox.set(t('snooze.future'));
        input.focus();
        return;
      }
      box.hidden = true;
      const ok = await patchConv({ status: 'snoozed', snoozed_until: d.toISOString() });
      if (!ok && !destroyed) box.hidden = false;
    });
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); toggle(false); }
    });
    return { box, toggle };
  }

  // ---- messages --------------------------------------------------------
  function contactName() {
    return (contact && contact.name) || (conv && conv.contact_name) || t('visitor');
  }

  function authorName(m) {
    if (m.author_name) return m.author_name;
    if (m.direction === 'inbound' || m.author_type === 'contact') return contactName();
    if (m.author_type === 'agent' || m.direction === 'outbound' || m.direction === 'note') {
      const a = agentById(m.author_id);
      if (a) return a.name || a.email;
      return t('msg.agent');
    }
    if (m.direction === 'bot' || m.author_type === 'bot') return t('msg.bot');
    return t('msg.system');
  }

  function attachmentUrl(a) {
    return apiPath('conversations', id, 'attachments', a.id);
  }

  function renderAttachment(a) {
    const url = attachmentUrl(a);
    const isImage = /^image\/(png|jpe?g|gif|webp)/i.test(a.content_type || '');
    if (isImage) {
      const img = h('img', { src: url, alt: a.filename || t('msg.image'), loading: 'lazy', class: 'att-img', decoding: 'async' });
      img.addEventListener('load', () => { if (stickToBottom) scrollToBottom(); });
      return h('li', { class: 'att att-image' },
        h('a', { href: url, target: '_blank', rel: 'noopener', 'aria-label': t('msg.openImage', { name: a.filename || '' }) }, img));
    }
    return h('li', { class: 'att att-file' },
      h('a', { href: url, download: a.filename || true, class: 'att-link' },
        h('span', { 'aria-hidden': 'true', class: 'att-icon' }, '⎙ '),
        h('span', { class: 'att-name' }, a.filename || t('msg.file')),
        a.size ? h('span', { class: 'att-size' }, ` (${fmtSize(a.size)})`) : null));
  }

  function renderMessage(m) {
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
        h('span', { class: 'msg-author' }, authorName(m)),
        label ? h('span', { class: 'msg-label' }, label) : null,
        time),
      m.body ? h('div', { class: 'msg-body' }, linkifyWallet(m.body)) : null,
      atts.length ? h('ul', { class: 'msg-atts' }, atts.map(renderAttachment)) : null));
    return li;
  }

  let stickToBottom = true;
  thread.addEventListener('scroll', () => {
    stickToBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 60;
  }, { passive: true });
  function scrollToBottom() {
    thread.scrollTop = thread.scrollHeight;
    stickToBottom = true;
  }

  // addMessages puts messages into the thread in seq order, once each.
  function addMessages(list, live) {
    let ownLive = false;
    const sorted = [...list].sort((a, b) => a.seq - b.seq);
    for (const m of sorted) {
      if (!m || !(m.seq > 0) || seqs.has(m.seq)) continue;
      seqs.add(m.seq);
      const li = renderMessage(m);
      if (m.seq > lastSeq) {
        thread.append(li);
        lastSeq = m.seq;
      } else {
        const after = [...thread.children].find((c) => Number(c.dataset.seq) > m.seq);
        thread.insertBefore(li, after || null);
      }
      if (live) {
        const fromMe = m.author_type === 'agent' && state.me && m.author_id === state.me.id;
        if (fromMe) ownLive = true;
        else announce(t('announce.message', { name: authorName(m), text: (m.body || t('row.attachment')).slice(0, 160) }));
        if (m.direction === 'inbound') hideTyping();
      }
    }
    if (threadEmpty.isConnected && seqs.size) threadEmpty.remove();
    if (stickToBottom || ownLive) scrollToBottom();
    if (conv && lastSeq > Number(conv.last_seq || 0)) conv.last_seq = lastSeq;
    if (document.visibilityState === 'visible') markSeen(id, lastSeq);
  }

  // fetchMessages reads everything after lastSeq (pages of 1000).
  function fetchMessages(live) {
    if (fetching) { fetchAgain = true; return fetching; }
    fetching = (async () => {
      do {
        fetchAgain = false;
        for (;;) {
          const d = await api('GET', `${apiPath('conversations', id, 'messages')}${qs({ after: lastSeq })}`);
          if (destroyed) return;
          const msgs = (d && d.messages) || [];
          addMessages(msgs, live);
          if (msgs.length < PAGE) break;
        }
      } while (fetchAgain && !destroyed);
    })().finally(() => { fetching = null; });
    return fetching;
  }

  // receive handles one message from the socket or from our own send.
  function receive(m, live) {
    if (!m || seqs.has(m.seq)) return;
    if (loaded && (m.direction === 'bot' || m.direction === 'inbound')) reloadBotSoon();
    if (!loaded) { buffered.push(m); return; }
    if (m.seq === lastSeq + 1) addMessages([m], live);
    else fetchMessages(live).catch(() => {}); // a gap: read it from the server
  }

  function showTyping() {
    typingEl.textContent = t('conv.visitorTyping');
    typingEl.classList.add('on');
    clearTimeout(typingTimer);
    typingTimer = later(hideTyping, TYPING_SHOW);
  }
  function hideTyping() {
    clearTimeout(typingTimer);
    typingEl.textContent = '';
    typingEl.classList.remove('on');
  }

  // ---- composer --------------------------------------------------------
  function buildComposer() {
    const form = h('form', { class: 'composer', novalidate: true, 'aria-label': t('composer.label') });
    const replyBtn = h('button', { type: 'button', class: 'seg', 'data-testid': 'reply-toggle', 'aria-pressed': 'true' }, t('composer.modeReply'));
    const noteBtn = h('button', { type: 'button', class: 'seg seg-note', 'data-testid': 'note-toggle', 'aria-pressed': 'false' }, t('composer.modeNote'));
    const taId = uid('reply');
    const listId = uid('canned-list');
    const hintId = uid('reply-hint');
    const label = h('label', { for: taId, class: 'sr-only' }, t('composer.replyLabel'));
    const ta = h('textarea', {
      id: taId, 'data-testid': 'reply-input', rows: '3', maxlength: '10000', 'aria-describedby': hintId,
      'aria-autocomplete': 'list', 'aria-controls': listId, autocomplete: 'off',
    });
    const popup = h('ul', { id: listId, role: 'listbox', class: 'canned-pop', hidden: true, 'aria-label': t('canned.popupLabel'), 'data-testid': 'canned-popup' });
    const fileInput = h('input', {
      type: 'file', class: 'sr-only', tabindex: '-1', 'aria-hidden': 'true', 'data-testid': 'attach-input', 'aria-label': t('composer.attach'),
      accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain',
    });
    const attachBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'attach-button' }, t('composer.attach'));
    const fileChip = h('span', { class: 'file-chip', hidden: true });
    const sendBtn = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'reply-send' }, t('composer.send'));
    const hint = h('p', { id: hintId, class: 'hint composer-hint' }, t('composer.hint'));
    const cerr = messageBox();
    cerr.setAttribute('data-testid', 'composer-error');

    form.append(
      h('div', { class: 'composer-modes', role: 'group', 'aria-label': t('composer.mode') }, replyBtn, noteBtn),
      label,
      h('div', { class: 'composer-input' }, ta, popup),
      cerr,
      h('div', { class: 'composer-bar' }, hint, h('div', { class: 'composer-btns' }, attachBtn, fileInput, fileChip, sendBtn)));

    let file = null;
    let sending = false;
    let lastTyping = 0;

    function setMode(note) {
      draft.note = note;
      form.classList.toggle('is-note', note);
      replyBtn.setAttribute('aria-pressed', String(!note));
      noteBtn.setAttribute('aria-pressed', String(note));
      label.textContent = note ? t('composer.noteLabel') : t('composer.replyLabel');
      ta.placeholder = note ? t('composer.notePlaceholder') : t('composer.replyPlaceholder');
      sendBtn.textContent = note ? t('composer.addNote') : t('composer.send');
      attachBtn.disabled = note;
      attachBtn.title = note ? t('composer.noAttachInNote') : '';
      if (note && file) clearFile();
    }
    replyBtn.addEventListener('click', () => { setMode(false); ta.focus(); });
    noteBtn.addEventListener('click', () => { setMode(!draft.note); ta.focus(); });

    function autosize() {
      ta.style.height = 'auto';
      ta.style.height = `${Math.min(ta.scrollHeight + 2, Math.round(window.innerHeight * 0.4))}px`;
    }

    function clearFile() {
      file = null;
      fileInput.value = '';
      fileChip.hidden = true;
      fileChip.replaceChildren();
    }
    attachBtn.addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      file = fileInput.files && fileInput.files[0] ? fileInput.files[0] : null;
      if (!file) { clearFile(); return; }
      fileChip.hidden = false;
      fileChip.replaceChildren(
        h('span', { class: 'file-name' }, `${file.name} (${fmtSize(file.size)})`),
        h('button', { type: 'button', class: 'chip-x', 'aria-label': t('composer.removeFile', { name: file.name }), onclick: () => { clearFile(); attachBtn.focus(); } }, '×'));
      ta.focus();
    });

    async function send() {
      if (sending) return;
      const body = ta.value;
      if (!body.trim() && !file) {
        cerr.set(t('composer.empty'));
        ta.focus();
        return;
      }
      cerr.set('');
      sending = true;
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
        if (destroyed) return;
        ta.value = '';
        clearFile();
        autosize();
        closePopup();
        stickToBottom = true;
        if (msg && msg.seq) receive(msg, false);
      } catch (err) {
        if (!destroyed) cerr.set(errorText(err));
      } finally {
        sending = false;
        sendBtn.disabled = false;
        form.removeAttribute('aria-busy');
      }
    }
    form.addEventListener('submit', (e) => { e.preventDefault(); send(); });

    // -- canned replies popup --
    let items = [];
    let active = 0;
    let range = null; // {start, end} of "/query" in the textarea
    let dismissedAt = -1;

    function cannedQuery() {
      const pos = ta.selectionStart;
      if (pos !== ta.selectionEnd) return null;
      const before = ta.value.slice(0, pos);
      const m = /(^|\s)\/([^\s/]*)$/.exec(before);
      if (!m) return null;
      return { start: pos - m[2].length - 1, end: pos, query: m[2].toLowerCase() };
    }

    function closePopup() {
      popup.hidden = true;
      popup.replaceChildren();
      items = [];
      range = null;
      ta.removeAttribute('aria-activedescendant');
    }

    function renderPopup() {
      popup.replaceChildren(...items.map((c, i) => {
        const opt = h('li', {
          id: `${listId}-${i}`, role: 'option', class: 'canned-opt', 'aria-selected': String(i === active), 'data-testid': 'canned-option',
          'data-shortcut': c.shortcut,
        },
        h('span', { class: 'canned-short' }, `/${c.shortcut}`),
        c.title ? h('span', { class: 'canned-title' }, c.title) : null,
        h('span', { class: 'canned-body' }, (c.body || '').replace(/\s+/g, ' ').slice(0, 120)));
        opt.addEventListener('mousedown', (e) => e.preventDefault()); // keep focus in the textarea
        opt.addEventListener('click', () => insert(i));
        return opt;
      }));
      popup.hidden = false;
      ta.setAttribute('aria-activedescendant', `${listId}-${active}`);
      const el = popup.children[active];
      if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
    }

    function updatePopup() {
      const q = cannedQuery();
      if (!q || q.start === dismissedAt) { closePopup(); return; }
      dismissedAt = -1;
      const list = state.canned || [];
      if (!state.canned) loadCanned().then(() => { if (!destroyed && document.activeElement === ta) updatePopup(); });
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
      if (!next.length) { closePopup(); return; }
      const sameStart = range && range.start === q.start;
      items = next;
      range = q;
      if (!sameStart || active >= items.length) active = 0;
      renderPopup();
    }

    function fill(body) {
      return String(body || '')
        .replace(/\{\{\s*contact\.name\s*\}\}/g, () => contactName())
        .replace(/\{\{\s*agent\.name\s*\}\}/g, () => (state.me && (state.me.name || state.me.email)) || '');
    }

    function insert(i) {
      const c = items[i];
      if (!c || !range) return;
      const text = fill(c.body);
      const v = ta.value;
      ta.value = v.slice(0, range.start) + text + v.slice(range.end);
      const caret = range.start + text.length;
      ta.setSelectionRange(caret, caret);
      closePopup();
      draft.body = ta.value;
      autosize();
      ta.focus();
    }

    ta.addEventListener('keydown', (e) => {
      const open = !popup.hidden && items.length > 0;
      if (open) {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
          renderPopup();
          return;
        }
        if ((e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey) {
          e.preventDefault();
          insert(active);
          return;
        }
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          dismissedAt = range ? range.start : -1;
          closePopup();
          return;
        }
      }
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.isComposing) {
        e.preventDefault();
        send();
      }
    });
    ta.addEventListener('input', () => {
      draft.body = ta.value;
      autosize();
      updatePopup();
      if (cerr.textContent && ta.value.trim()) cerr.set('');
      if (!draft.note && ta.value.trim() && Date.now() - lastTyping >= TYPING_EVERY) {
        lastTyping = Date.now();
        api('POST', apiPath('conversations', id, 'typing')).catch(() => {});
      }
    });
    ta.addEventListener('click', updatePopup);
    ta.addEventListener('focus', () => { loadCanned(); });
    ta.addEventListener('blur', () => later(() => { if (document.activeElement !== ta) closePopup(); }, 150));

    ta.value = draft.body;
    setMode(draft.note);
    return { form, ta, autosize, setMode };
  }

  // ---- details panel ---------------------------------------------------
  const prioSel = h('select', { 'data-testid': 'priority-select' }, PRIORITIES.map((p) => h('option', { value: p }, priorityLabel(p))));
  const assigneeSel = h('select', { 'data-testid': 'assignee-select' });
  const teamSel = h('select', { 'data-testid': 'team-select' });
  const inboxEl = h('dd', {});
  prioSel.addEventListener('change', () => patchConv({ priority: prioSel.value }));
  assigneeSel.addEventListener('change', () => patchConv({ assignee_id: assigneeSel.value }));
  teamSel.addEventListener('change', () => patchConv({ team_id: teamSel.value }));

  const tagList = h('ul', { class: 'chips', 'data-testid': 'tag-list', 'aria-label': t('side.tags') });
  const tagInput = h('input', { type: 'text', 'data-testid': 'tag-input', autocomplete: 'off', spellcheck: 'false', maxlength: '50' });
  const tagForm = h('form', { class: 'inline-form', novalidate: true },
    h('label', { for: tagInput.id = uid('tag'), class: 'sr-only' }, t('side.addTag')),
    tagInput,
    h('button', { type: 'submit', class: 'btn small', 'data-testid': 'tag-add' }, t('side.addTagButton')));
  tagInput.placeholder = t('side.addTagPlaceholder');
  tagForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const add = tagInput.value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (!add.length || !conv) return;
    const tags = [...new Set([...(conv.tags || []), ...add])];
    if (await patchConv({ tags })) tagInput.value = '';
  });

  const contactDl = h('dl', { class: 'kv', 'data-testid': 'contact-panel' });
  const attrList = h('ul', { class: 'attrs', 'data-testid': 'attributes' });
  let attrDirty = false;
  const attrKey = h('input', { type: 'text', 'data-testid': 'attr-key', autocomplete: 'off', maxlength: '100' });
  const attrVal = h('input', { type: 'text', 'data-testid': 'attr-value', autocomplete: 'off' });
  const attrForm = h('form', { class: 'attr-add', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: attrKey.id = uid('attr-key') }, t('side.attrKey')), attrKey),
    h('div', { class: 'field' }, h('label', { for: attrVal.id = uid('attr-val') }, t('side.attrValue')), attrVal),
    h('button', { type: 'submit', class: 'btn small', 'data-testid': 'attr-add' }, t('side.attrAdd')));
  attrForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const k = attrKey.value.trim();
    if (!k) { attrKey.focus(); return; }
    if (await patchConv({ attributes: { [k]: attrVal.value } })) {
      attrKey.value = '';
      attrVal.value = '';
      attrKey.focus();
    }
  });
  attrList.addEventListener('focusout', (e) => {
    if (attrDirty && !attrList.contains(e.relatedTarget)) later(renderAttrs, 0);
  });

  const pastList = h('ul', { class: 'past', 'data-testid': 'past-conversations' });
  const botList = h('ul', { class: 'bot-log', 'data-testid': 'bot-decisions' });

  const sideSection = (title, ...children) => h('section', { class: 'side-section' }, h('h3', {}, title), ...children);
  const sideField = (label, control) => {
    control.id = control.id || uid('sf');
    return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  };
  side.append(
    h('div', { class: 'side-top' },
      h('button', { type: 'button', class: 'btn small side-close', onclick: () => setSide(false) }, t('common.close'))),
    sideSection(t('side.conversation'),
      sideField(t('side.priority'), prioSel),
      sideField(t('side.assignee'), assigneeSel),
      sideField(t('side.team'), teamSel),
      h('dl', { class: 'kv' }, h('dt', {}, t('side.inbox')), inboxEl),
      h('h4', {}, t('side.tags')), tagList, tagForm),
    sideSection(t('side.contact'), contactDl),
    sideSection(t('side.attributes'), attrList, attrForm),
    sideSection(t('side.bot'), botList),
    sideSection(t('side.past'), pastList));

  function fillAssignees() {
    const cur = conv ? conv.assignee_id || '' : '';
    const opts = [h('option', { value: '' }, t('side.unassigned'))];
    for (const a of state.agents) {
      if (a.active === false && a.id !== cur) continue;
      opts.push(h('option', { value: a.id }, a.name ? `${a.name} (${a.email})` : a.email));
    }
    if (cur && !state.agents.some((a) => a.id === cur)) opts.push(h('option', { value: cur }, cur));
    assigneeSel.replaceChildren(...opts);
    assigneeSel.value = cur;
  }

  function fillTeams() {
    const cur = conv ? conv.team_id || '' : '';
    const opts = [h('option', { value: '' }, t('side.noTeam'))];
    for (const tm of state.teams) opts.push(h('option', { value: tm.id }, tm.name));
    if (cur && !state.teams.some((tm) => tm.id === cur)) opts.push(h('option', { value: cur }, cur));
    teamSel.replaceChildren(...opts);
    teamSel.value = cur;
  }

  function renderTags() {
    const tags = (conv && conv.tags) || [];
    const hadFocus = tagList.contains(document.activeElement);
    tagList.replaceChildren(...tags.map((tag) => h('li', { class: 'chip' },
      h('span', {}, tag),
      h('button', {
        type: 'button', class: 'chip-x', 'aria-label': t('side.removeTag', { tag }), 'data-testid': 'tag-remove',
        onclick: async () => { if (await patchConv({ tags: tags.filter((x) => x !== tag) })) tagInput.focus(); },
      }, '×'))));
    if (!tags.length) tagList.append(h('li', { class: 'muted' }, t('side.noTags')));
    if (hadFocus && !tagList.contains(document.activeElement)) tagInput.focus();
  }

  function renderAttrs() {
    attrDirty = false;
    const attrs = (conv && conv.attributes) || {};
    const keys = Object.keys(attrs).sort();
    attrList.replaceChildren(...keys.map((k) => {
      const input = h('input', { type: 'text', id: uid('attr'), 'data-attr-key': k, autocomplete: 'off' });
      input.value = attrs[k] == null ? '' : String(attrs[k]);
      const save = h('button', {
        type: 'button', class: 'btn small', 'aria-label': t('side.attrSave', { key: k }),
        onclick: () => patchConv({ attributes: { [k]: input.value } }),
      }, t('common.save'));
      const remove = h('button', {
        type: 'button', class: 'btn small subtle', 'aria-label': t('side.attrRemove', { key: k }),
        onclick: async () => { if (await patchConv({ attributes: { [k]: null } })) attrKey.focus(); },
      }, t('common.remove'));
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); save.click(); } });
      return h('li', { class: 'attr-row' }, h('label', { for: input.id, class: 'attr-key' }, k), input, h('div', { class: 'btn-row' }, save, remove));
    }));
    if (!keys.length) attrList.append(h('li', { class: 'muted' }, t('side.noAttrs')));
  }

  function renderContact() {
    const rows = [];
    const row = (label, value) => rows.push(h('dt', {}, label), h('dd', {}, value || '—'));
    row(t('contact.name'), (contact && contact.name) || (conv && conv.contact_name) || t('visitor'));
    row(t('contact.email'), (contact && contact.email) || (conv && conv.contact_email));
    row(t('contact.externalId'), contact && contact.external_id);
    if (contact && contact.attributes) {
      for (const k of Object.keys(contact.attributes).sort()) row(k, String(contact.attributes[k]));
    }
    if (contact && contact.created_at) row(t('contact.since'), fmtDateTime(contact.created_at));
    // Wallet context found in the visitor's messages (wallet.<chain>.<kind>).
    const attrs = (conv && conv.attributes) || {};
    for (const k of Object.keys(attrs).sort()) {
      const w = walletAttr(k);
      if (w && attrs[k]) {
        rows.push(h('dt', {}, t(`wallet.${w.kind}`), ` (${w.chain})`),
          h('dd', { 'data-testid': 'contact-wallet' }, walletChip(w.chain, w.kind, String(attrs[k]))));
      }
    }
    contactDl.replaceChildren(...rows);
  }

  function updateSide() {
    if (!conv) return;
    if (document.activeElement !== prioSel) prioSel.value = conv.priority || 'normal';
    fillAssignees();
    fillTeams();
    const inbox = inboxById(conv.inbox_id);
    inboxEl.textContent = inbox ? inbox.name : conv.inbox_id || '—';
    renderTags();
    if (attrList.contains(document.activeElement)) attrDirty = true;
    else renderAttrs();
    renderContact();
  }

  async function loadContact() {
    if (!conv || !conv.contact_id) return;
    try {
      contact = await api('GET', apiPath('contacts', conv.contact_id));
    } catch {
      contact = null;
    }
  }

  async function loadPast() {
    if (!conv || !conv.contact_id) return;
    try {
      const d = await api('GET', `/api/v1/conversations${qs({ contact_id: conv.contact_id, limit: 20 })}`);
      if (destroyed) return;
      const others = ((d && d.conversations) || []).filter((c) => c.id !== id);
      pastList.replaceChildren(...others.map((c) => h('li', {},
        h('a', { href: `#/conversations/${encodeURIComponent(c.id)}`, class: 'past-link', 'data-testid': 'past-conversation', 'data-conversation-id': c.id },
          h('span', { class: 'past-top' }, h('time', { datetime: c.created_at }, fmtDateTime(c.created_at)), statusBadge(c.status)),
          c.last_message && c.last_message.body ? h('span', { class: 'past-preview' }, c.last_message.body.replace(/\s+/g, ' ')) : null))));
      if (!others.length) pastList.append(h('li', { class: 'muted' }, t('side.noPast')));
    } catch (err) {
      pastList.replaceChildren(h('li', { class: 'muted' }, errorText(err)));
    }
  }

  // loadBot shows the bot's decision log: what it was asked, what it did,
  // how sure it was, and what the visitor answered.
  let botTimer = 0;
  async function loadBot() {
    try {
      const d = await api('GET', `${apiPath('conversations', id)}/bot-decisions`);
      if (destroyed) return;
      const ds = (d && d.decisions) || [];
      botList.replaceChildren(...ds.map((x) => {
        const top = (x.candidates || [])[0];
        const outcome = t(`bot.outcome.${x.outcome}`) + (x.reason ? ` · ${t(`bot.reason.${x.reason}`)}` : '');
        return h('li', { 'data-testid': 'bot-decision', 'data-outcome': x.outcome, 'data-article': x.article_id || '' },
          h('span', { class: 'bot-top' }, h('time', { datetime: x.created_at }, fmtMsgTime(x.created_at)), ' ',
            h('strong', {}, outcome)),
          h('span', { class: 'bot-q' }, x.question),
          top ? h('span', { class: 'muted' }, `${top.article_id} · ${Math.round((top.confidence || 0) * 100)}%`) : null,
          x.feedback ? h('span', { class: 'bot-fb', 'data-testid': 'bot-feedback' }, t(`bot.feedback.${x.feedback.split(':')[0]}`)) : null);
      }));
      if (!ds.length) botList.append(h('li', { class: 'muted' }, t('side.noBot')));
    } catch (err) {
      botList.replaceChildren(h('li', { class: 'muted' }, err.status === 404 ? t('side.noBot') : errorText(err)));
    }
  }
  function reloadBotSoon() {
    clearTimeout(botTimer);
    botTimer = setTimeout(() => { if (!destroyed) loadBot(); }, 300);
  }

  // ---- load and live updates -------------------------------------------
  async function load() {
    if (conv) { renderHead(); updateSide(); }
    try {
      const c = await api('GET', apiPath('conversations', id));
      if (destroyed) return;
      conv = mergeConv(conv, c);
    } catch (err) {
      if (destroyed) return;
      thread.removeAttribute('aria-busy');
      if (err.status === 404) {
        main.replaceChildren(h('div', { class: 'placeholder' },
          h('h2', { tabindex: '-1' }, t('conv.notFound')),
          h('p', {}, h('a', { href: backHref }, t('conv.back')))));
        side.remove();
      } else {
        threadEmpty.textContent = errorText(err);
      }
      return;
    }
    renderHead();
    updateSide();
    await Promise.all([loadContact(), loadExplorers()]);
    if (destroyed) return;
    renderHead();
    renderContact();
    try {
      await fetchMessages(false);
    } catch (err) {
      if (!destroyed) errBox.set(errorText(err));
    }
    if (destroyed) return;
    loaded = true;
    thread.removeAttribute('aria-busy');
    if (!seqs.size) threadEmpty.textContent = t('conv.noMessages');
    const pending = buffered.splice(0);
    for (const m of pending) receive(m, true);
    scrollToBottom();
    markSeen(id, Math.max(lastSeq, Number(conv.last_seq || 0)));
    loadPast();
    loadBot();
  }

  function onEvent(ev) {
    if (!ev || ev.conversation_id !== id) {
      // The conversation event payload carries its own id.
      if (!(ev && ev.payload && ev.payload.id === id)) return;
    }
    const p = ev.payload || {};
    if (ev.type === 'message.created') {
      if (p.conversation_status && conv && conv.status !== p.conversation_status) {
        conv.status = p.conversation_status;
        renderHead();
      }
      receive(p.message, true);
    } else if (ev.type === 'conversation.updated' || ev.type === 'conversation.created') {
      applyConv(p, false);
    } else if (ev.type === 'message.redacted') {
      // A later message completed a secret: earlier bodies lost it.
      for (const m of p.messages || []) {
        const body = thread.querySelector(`li[data-seq="${Number(m.seq)}"] .msg-body`);
        if (body) body.replaceChildren(...linkifyWallet(String(m.body || '')));
      }
    }
  }

  const onVisible = () => {
    if (document.visibilityState === 'visible' && lastSeq) markSeen(id, lastSeq);
  };
  document.addEventListener('visibilitychange', onVisible);

  const offs = [
    on('ws:event', onEvent),
    on('ws:typing', (f) => {
      if (f && f.conversation_id === id && f.from !== 'agent') showTyping();
    }),
    on('refs', () => { renderHead(); updateSide(); }),
    on('resync', () => {
      api('GET', apiPath('conversations', id)).then((c) => applyConv(c, false)).catch(() => {});
      if (loaded) fetchMessages(true).catch(() => {});
    }),
  ];

  load();
  titleEl.focus({ preventScroll: true });

  return {
    id,
    destroy() {
      destroyed = true;
      offs.forEach((f) => f());
      document.removeEventListener('visibilitychange', onVisible);
      for (const tm of timers) clearTimeout(tm);
      timers.clear();
    },
  };
}
