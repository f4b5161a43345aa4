// The workspace: the conversation list (views, filters, live updates) and,
// beside it, the open conversation. On a phone the two are separate screens.
import { h, uid, debounce } from '../dom.js';
import { t, fmtListTime, fmtDateTime } from '../i18n.js';
import { api, qs, errorText } from '../api.js';
import { state, on, isUnread } from '../state.js';
import { statusBadge, priorityBadge, messageBox, mergeConv, STATUSES } from './common.js';
import { mountConversation } from './conversation.js';
import { markdownText } from '../../chat/markdown.js';

export const VIEWS = ['mine', 'unassigned', 'all'];
const FILTER_KEY = 'huiying.filters';
const VIEW_KEY = 'huiying.view';
const PAGE = 50;
// WAITING is the default status filter: what waits on someone, the
// conversations the bot handles (pending) included. A newcomer's first
// conversations are the bot's, so an "open" default would hide them.
const WAITING = 'open,pending';
const STATUS_CHOICES = [WAITING, ...STATUSES];

// defaultView is the view the agent last chose, else All: a new agent has
// nothing assigned yet, and All shows what waits.
export function defaultView() {
  try {
    const v = localStorage.getItem(VIEW_KEY);
    if (VIEWS.includes(v)) return v;
  } catch { /* default */ }
  return 'all';
}

let lastView = defaultView();
// inboxHref is the list the agent came from (for "back" links).
export function inboxHref() {
  return `#/inbox/${lastView}`;
}

function loadFilters() {
  const f = { status: WAITING, inbox_id: '', team_id: '', tag: '' };
  try {
    const v = JSON.parse(localStorage.getItem(FILTER_KEY) || 'null');
    if (v && typeof v === 'object') {
      for (const k of Object.keys(f)) if (typeof v[k] === 'string') f[k] = v[k];
    }
  } catch { /* defaults */ }
  if (f.status && f.status !== 'any' && !STATUS_CHOICES.includes(f.status)) f.status = WAITING;
  f.q = ''; // a search is not remembered
  return f;
}

function saveFilters(f) {
  const { q, ...keep } = f;
  try { localStorage.setItem(FILTER_KEY, JSON.stringify(keep)); } catch { /* ignore */ }
}

function ms(iso) {
  const n = Date.parse(iso || '');
  return Number.isNaN(n) ? 0 : n;
}

function byActivity(a, b) {
  const d = ms(b.last_activity_at) - ms(a.last_activity_at);
  if (d) return d;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function createWorkspace(container) {
  let view = lastView;
  const filters = loadFilters();
  const rows = new Map(); // id → {conv, li, a}
  let total = 0;
  let loadCtl = null;
  let hasMore = false;
  let selectedId = '';
  let convView = null;
  let destroyed = false;

  // ---- list pane -------------------------------------------------------
  const titleId = uid('list-title');
  const countEls = {};
  const viewLinks = {};
  const viewNav = h('nav', { class: 'views', 'aria-label': t('inbox.views') },
    VIEWS.map((v) => {
      countEls[v] = h('span', { class: 'count', 'data-testid': `count-${v}` });
      viewLinks[v] = h('a', { href: `#/inbox/${v}`, class: 'view-tab', 'data-testid': `view-${v}`, 'data-view': v },
        h('span', {}, t(`inbox.view.${v}`)), countEls[v]);
      return viewLinks[v];
    }));

  const statusSel = h('select', { 'data-testid': 'filter-status' },
    h('option', { value: WAITING }, t('inbox.filter.waiting')),
    h('option', { value: 'any' }, t('inbox.filter.anyStatus')),
    STATUSES.map((s) => h('option', { value: s }, t(`status.${s}`))));
  statusSel.value = filters.status || 'any';
  const inboxSel = h('select', { 'data-testid': 'filter-inbox' });
  const teamSel = h('select', { 'data-testid': 'filter-team' });
  const tagInput = h('input', { type: 'search', 'data-testid': 'filter-tag', value: filters.tag, autocomplete: 'off', spellcheck: 'false' });

  // Search: message text, the contact's name or email, an attribute (a
  // wallet address, a tx hash) or a conversation id, with the filters.
  const searchInput = h('input', {
    type: 'search', id: uid('search'), 'data-testid': 'search-input', autocomplete: 'off', spellcheck: 'false',
    maxlength: '200', placeholder: t('inbox.searchHint'), 'aria-label': t('inbox.search'),
  });
  const searchForm = h('form', { class: 'search', role: 'search', 'aria-label': t('inbox.search'), 'data-testid': 'search' },
    searchInput);
  searchForm.addEventListener('submit', (e) => { e.preventDefault(); applySearch(); });
  function applySearch() {
    const q = searchInput.value.trim();
    if (q === filters.q) return;
    filters.q = q;
    reload();
    refreshCounts();
  }
  const scheduleSearch = debounce(applySearch, 300);
  searchInput.addEventListener('input', scheduleSearch);

  function filterField(label, control) {
    control.id = uid('flt');
    return h('div', { class: 'filter' }, h('label', { for: control.id }, label), control);
  }
  const filtersForm = h('form', { class: 'filters', role: 'search', 'aria-label': t('inbox.filters') },
    filterField(t('inbox.filter.status'), statusSel),
    filterField(t('inbox.filter.inbox'), inboxSel),
    filterField(t('inbox.filter.team'), teamSel),
    filterField(t('inbox.filter.tag'), tagInput));
  filtersForm.addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });
  // Filters fold away on a phone to leave room for the list.
  const filterSummary = h('summary', { 'data-testid': 'filters-toggle' });
  const filtersBox = h('details', { class: 'filters-box', open: !window.matchMedia('(max-width: 759px)').matches },
    filterSummary, filtersForm);
  function renderSummary() {
    const active = [filters.status, filters.inbox_id, filters.team_id, filters.tag].filter(Boolean).length;
    filterSummary.textContent = active ? t('inbox.filtersActive', { n: active }) : t('inbox.filters');
  }

  function fillRefSelects() {
    const keepI = filters.inbox_id;
    const keepT = filters.team_id;
    inboxSel.replaceChildren(h('option', { value: '' }, t('inbox.filter.anyInbox')),
      state.inboxes.map((i) => h('option', { value: i.id }, i.name || i.id)));
    teamSel.replaceChildren(h('option', { value: '' }, t('inbox.filter.anyTeam')),
      state.teams.map((tm) => h('option', { value: tm.id }, tm.name || tm.id)));
    // Keep a filter whose inbox/team is not (yet) in the lists.
    if (keepI && !state.inboxes.some((i) => i.id === keepI)) inboxSel.append(h('option', { value: keepI }, keepI));
    if (keepT && !state.teams.some((tm) => tm.id === keepT)) teamSel.append(h('option', { value: keepT }, keepT));
    inboxSel.value = keepI;
    teamSel.value = keepT;
  }
  fillRefSelects();

  function applyFilters() {
    filters.status = statusSel.value === 'any' ? '' : statusSel.value;
    filters.inbox_id = inboxSel.value;
    filters.team_id = teamSel.value;
    filters.tag = tagInput.value.trim().toLowerCase();
    saveFilters({ ...filters, status: filters.status || 'any' });
    renderSummary();
    reload();
    refreshCounts();
  }
  statusSel.addEventListener('change', applyFilters);
  inboxSel.addEventListener('change', applyFilters);
  teamSel.addEventListener('change', applyFilters);
  tagInput.addEventListener('change', applyFilters);
  if (filters.status === 'any') filters.status = '';
  renderSummary();

  const metaEl = h('p', { class: 'list-meta', 'aria-live': 'polite', 'data-testid': 'list-total' });
  const errBox = messageBox();
  const list = h('ul', { class: 'convlist', 'data-testid': 'conversation-list', 'aria-labelledby': titleId });
  const emptyEl = h('p', { class: 'empty', hidden: true }, t('inbox.empty'));
  const moreBtn = h('button', { type: 'button', class: 'btn more', hidden: true, onclick: loadMore }, t('inbox.loadMore'));

  const listPane = h('section', { class: 'listpane', 'aria-labelledby': titleId },
    h('h2', { class: 'pane-title', id: titleId, tabindex: '-1' }, t('inbox.title')),
    searchForm, viewNav, filtersBox, metaEl, errBox, list, emptyEl, moreBtn);

  const placeholder = h('div', { class: 'placeholder' }, h('p', {}, t('inbox.pick')));
  const detailPane = h('section', { class: 'detailpane', 'aria-label': t('conv.region') }, placeholder);
  // The page's h1 stays in the document on a phone, where one pane is hidden.
  const root = h('div', { class: 'ws' }, h('h1', { class: 'sr-only' }, t('inbox.pageTitle')), listPane, detailPane);
  container.replaceChildren(root);

  // ---- rows ------------------------------------------------------------
  function previewText(c) {
    const lm = c.last_message;
    if (!lm) return { prefix: '', text: '' };
    // A bot message is Markdown: its preview is the text without the marks.
    const body = lm.body && lm.direction === 'bot' ? markdownText(lm.body) : lm.body;
    const text = body ? body.replace(/\s+/g, ' ').trim() : t('row.attachment');
    const prefix = { outbound: t('row.prefix.outbound'), note: t('row.prefix.note'), bot: t('row.prefix.bot'), system: '' }[lm.direction] || '';
    return { prefix, text };
  }

  function rowChildren(c) {
    const unread = isUnread(c);
    const name = c.contact_name || t('visitor');
    const { prefix, text } = previewText(c);
    const tags = Array.isArray(c.tags) ? c.tags : [];
    return [
      h('span', { class: 'row-top' },
        unread ? h('span', { class: 'dot', 'data-testid': 'unread-dot' }, h('span', { class: 'sr-only' }, t('row.unread'))) : null,
        h('span', { class: 'row-name' }, name),
        h('time', { class: 'row-time', datetime: c.last_activity_at, title: fmtDateTime(c.last_activity_at) }, fmtListTime(c.last_activity_at))),
      h('span', { class: 'row-preview', 'data-testid': 'row-preview' },
        prefix ? h('span', { class: 'row-prefix' }, prefix) : null, text || t('row.noMessages')),
      h('span', { class: 'row-meta' },
        statusBadge(c.status),
        c.priority && c.priority !== 'normal' ? priorityBadge(c.priority) : null,
        tags.slice(0, 3).map((tag) => h('span', { class: 'tag' }, tag)),
        tags.length > 3 ? h('span', { class: 'tag more-tags' }, `+${tags.length - 3}`) : null),
    ];
  }

  function renderRow(id) {
    const r = rows.get(id);
    const c = r.conv;
    r.a.replaceChildren(...rowChildren(c));
    r.a.classList.toggle('unread', isUnread(c));
    r.a.dataset.unread = String(isUnread(c));
    r.a.dataset.status = c.status || '';
    if (id === selectedId) r.a.setAttribute('aria-current', 'page');
    else r.a.removeAttribute('aria-current');
  }

  function makeRow(c) {
    const a = h('a', { class: 'row', href: `#/conversations/${encodeURIComponent(c.id)}`, 'data-testid': 'conversation-row', 'data-conversation-id': c.id });
    const li = h('li', {}, a);
    rows.set(c.id, { conv: c, li, a });
    renderRow(c.id);
  }

  // place puts the row elements in activity order, moving only what moved.
  function place() {
    const sorted = [...rows.values()].map((r) => r.conv).sort(byActivity);
    let prev = null;
    for (const c of sorted) {
      const li = rows.get(c.id).li;
      const want = prev ? prev.nextSibling : list.firstChild;
      if (want !== li) list.insertBefore(li, want);
      prev = li;
    }
    emptyEl.hidden = rows.size > 0;
    emptyEl.textContent = filters.q ? t('inbox.noMatch', { q: filters.q }) : t('inbox.empty');
    metaEl.textContent = total === 1 ? t('inbox.totalOne') : t('inbox.total', { n: total });
    moreBtn.hidden = !hasMore;
  }

  function matches(c) {
    if (filters.status && !filters.status.split(',').includes(c.status)) return false;
    if (filters.inbox_id && c.inbox_id !== filters.inbox_id) return false;
    if (filters.team_id && (c.team_id || '') !== filters.team_id) return false;
    if (filters.tag && !(Array.isArray(c.tags) && c.tags.includes(filters.tag))) return false;
    if (view === 'mine' && c.assignee_id !== (state.me && state.me.id)) return false;
    if (view === 'unassigned' && c.assignee_id) return false;
    return true;
  }

  function upsert(c) {
    const r = rows.get(c.id);
    // A search is decided by the server: a row found stays while the
    // filters hold, and a new one comes with the next reload.
    if (!matches(c) || (!r && filters.q)) {
      if (r) {
        r.li.remove();
        rows.delete(c.id);
        total = Math.max(0, total - 1);
        place();
      }
      return;
    }
    if (r) {
      r.conv = c;
      renderRow(c.id);
    } else {
      makeRow(c);
      total += 1;
    }
    place();
  }

  function query(extra) {
    return qs({
      status: filters.status, inbox_id: filters.inbox_id, team_id: filters.team_id, tag: filters.tag, q: filters.q,
      assignee: { mine: 'me', unassigned: 'unassigned' }[view] || '', ...extra,
    });
  }

  async function reload() {
    if (loadCtl) loadCtl.abort();
    const ctl = new AbortController();
    loadCtl = ctl;
    const limit = Math.min(200, Math.max(PAGE, rows.size));
    list.setAttribute('aria-busy', 'true');
    try {
      const d = await api('GET', `/api/v1/conversations${query({ limit })}`, undefined, { signal: ctl.signal });
      if (destroyed || loadCtl !== ctl) return;
      errBox.set('');
      const convs = (d && d.conversations) || [];
      total = Number(d && d.total) || convs.length;
      hasMore = convs.length >= limit && total > convs.length;
      const keep = new Set(convs.map((c) => c.id));
      for (const [id, r] of rows) {
        if (!keep.has(id)) {
          r.li.remove();
          rows.delete(id);
        }
      }
      for (const c of convs) {
        const r = rows.get(c.id);
        if (r) {
          r.conv = mergeConv(r.conv, c);
          renderRow(c.id);
        } else {
          makeRow(c);
        }
      }
      place();
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      if (!destroyed) errBox.set(errorText(err));
    } finally {
      if (loadCtl === ctl) {
        loadCtl = null;
        list.removeAttribute('aria-busy');
      }
    }
  }

  async function loadMore() {
    const last = [...rows.values()].map((r) => r.conv).sort(byActivity).pop();
    if (!last) return;
    moreBtn.disabled = true;
    try {
      const d = await api('GET', `/api/v1/conversations${query({ limit: PAGE, before: ms(last.last_activity_at) })}`);
      if (destroyed) return;
      const convs = (d && d.conversations) || [];
      for (const c of convs) if (!rows.has(c.id)) makeRow(c);
      hasMore = convs.length >= PAGE;
      place();
    } catch (err) {
      errBox.set(errorText(err));
    } finally {
      moreBtn.disabled = false;
    }
  }

  async function refreshCounts() {
    try {
      // The counts take the list's filters, so each tab's count is its list's length.
      const d = await api('GET', `/api/v1/conversations/counts${qs({
        status: filters.status, inbox_id: filters.inbox_id, team_id: filters.team_id, tag: filters.tag, q: filters.q,
      })}`);
      if (destroyed || !d) return;
      for (const v of VIEWS) {
        const n = Number(d[v]);
        countEls[v].textContent = Number.isFinite(n) ? String(n) : '';
        countEls[v].hidden = !Number.isFinite(n);
      }
    } catch {
      for (const v of VIEWS) countEls[v].hidden = true;
    }
  }

  const scheduleReload = debounce(reload, 300);
  const scheduleCounts = debounce(refreshCounts, 400);

  // ---- live updates ----------------------------------------------------
  function onEvent(ev) {
    if (!ev || !ev.type) return;
    const p = ev.payload || {};
    if (ev.type === 'message.created') {
      const m = p.message;
      const id = ev.conversation_id || (m && m.conversation_id);
      const r = rows.get(id);
      if (r) {
        const c = { ...r.conv };
        if (m) {
          const seq = Number(m.seq || ev.seq || 0);
          // The preview is what a person or the bot last said; a system
          // line shows only while there is nothing else.
          if (seq >= Number(c.last_seq || 0) && (m.direction !== 'system' || !c.last_message)) {
            c.last_message = { seq, body: m.body || '', direction: m.direction, created_at: m.created_at };
          }
          if (seq > Number(c.last_seq || 0)) c.last_seq = seq;
          if (ms(m.created_at) > ms(c.last_activity_at)) c.last_activity_at = m.created_at;
        }
        if (p.conversation_status) c.status = p.conversation_status;
        upsert(c);
      } else {
        const probe = { status: p.conversation_status || 'open', inbox_id: p.inbox_id || ev.inbox_id };
        if ((!filters.status || filters.status.split(',').includes(probe.status)) && (!filters.inbox_id || probe.inbox_id === filters.inbox_id)) {
          scheduleReload();
        }
      }
    } else if (ev.type === 'message.redacted') {
      // A secret removed after it was stored leaves the preview too.
      const r = rows.get(p.conversation_id || ev.conversation_id);
      const lm = r && r.conv.last_message;
      const m = lm && (p.messages || []).find((x) => Number(x.seq) === Number(lm.seq));
      if (m) {
        r.conv = { ...r.conv, last_message: { ...lm, body: m.body || '' } };
        renderRow(r.conv.id);
      }
    } else if (ev.type === 'conversation.created' || ev.type === 'conversation.updated') {
      if (!p.id) return;
      const r = rows.get(p.id);
      if (r) upsert(mergeConv(r.conv, p));
      else if (matches(p)) scheduleReload(); // fetch it with its contact name and preview
    }
    scheduleCounts();
  }

  const offs = [
    on('ws:event', onEvent),
    on('conv:local', (c) => {
      const r = rows.get(c.id);
      if (r) upsert(mergeConv(r.conv, c));
      else if (matches(c)) scheduleReload();
      scheduleCounts();
    }),
    on('seen', (id) => { if (rows.has(id)) renderRow(id); }),
    on('refs', fillRefSelects),
    on('resync', () => { reload(); refreshCounts(); }),
  ];

  // ---- routing ---------------------------------------------------------
  function setView(v) {
    view = v;
    lastView = v;
    try { localStorage.setItem(VIEW_KEY, v); } catch { /* ignore */ }
    for (const k of VIEWS) {
      if (k === v) viewLinks[k].setAttribute('aria-current', 'page');
      else viewLinks[k].removeAttribute('aria-current');
    }
  }
  setView(view);

  let first = true;
  function show(route) {
    if (route.name === 'inbox') {
      const changed = route.view !== view;
      if (changed) setView(route.view);
      if (changed || first) reload();
      if (convView) { convView.destroy(); convView = null; }
      const prevSel = selectedId;
      selectedId = '';
      for (const id of rows.keys()) renderRow(id);
      detailPane.replaceChildren(placeholder);
      root.classList.remove('has-conv');
      // Back from a conversation on a phone: return to its row.
      if (!changed && prevSel && rows.has(prevSel) && window.matchMedia('(max-width: 759px)').matches) {
        rows.get(prevSel).a.focus();
      }
    } else if (route.name === 'conversation') {
      if (first) reload();
      if (!convView || convView.id !== route.id) {
        if (convView) convView.destroy();
        const prev = selectedId;
        selectedId = route.id;
        if (rows.has(prev)) renderRow(prev);
        if (rows.has(selectedId)) renderRow(selectedId);
        const known = rows.get(route.id);
        convView = mountConversation(detailPane, route.id, { backHref: inboxHref(), initial: known && known.conv });
      }
      root.classList.add('has-conv');
    }
    if (first) refreshCounts();
    first = false;
  }

  return {
    key: 'workspace',
    show,
    destroy() {
      destroyed = true;
      if (loadCtl) loadCtl.abort();
      scheduleReload.cancel();
      scheduleCounts.cancel();
      scheduleSearch.cancel();
      offs.forEach((f) => f());
      if (convView) convView.destroy();
    },
  };
}
