// Your presence (online / away / offline) in the top bar: shown from
// GET /api/v1/me/presence, changed with PUT, and following the
// agent.presence events for you on /ws/agent (the server turns you away by
// itself after your last console connection has been gone a while, and
// back online when you reconnect; another tab may change it too).
import { h, uid, announce } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { state, on } from '../state.js';

export const PRESENCES = ['online', 'away', 'offline'];

// One value for every switch on the page (the top bar is rebuilt on a
// language change; the value outlives it).
const current = { agentId: '', status: '', since: '', loading: null, missing: false };
const switches = new Set(); // {el, render}
let listening = false;

// presenceDot is the coloured dot of a presence (green, amber, grey).
export function presenceDot(status, attrs = {}) {
  const s = PRESENCES.includes(status) ? status : 'offline';
  return h('span', { ...attrs, class: `presence-dot presence-${s}`, 'aria-hidden': 'true' });
}

export function presenceLabel(status) {
  return t(`presence.${PRESENCES.includes(status) ? status : 'offline'}`);
}

function mine() {
  return state.me && current.agentId === state.me.id;
}

function set(status, since) {
  if (!PRESENCES.includes(status)) return;
  current.agentId = state.me ? state.me.id : '';
  current.status = status;
  current.since = since || '';
  renderAll();
}

function renderAll() {
  for (const s of [...switches]) {
    if (!s.el.isConnected) switches.delete(s);
    else s.render();
  }
}

// load asks the server for your presence (once at a time).
function load() {
  if (!state.me) return Promise.resolve();
  if (current.loading) return current.loading;
  current.loading = api('GET', '/api/v1/me/presence')
    .then((d) => { current.missing = false; if (d) set(d.status, d.since); })
    .catch((err) => {
      // A server without routing has no presence: show no switch.
      if (err.status === 404 || err.status === 405) {
        current.missing = true;
        renderAll();
      }
    })
    .finally(() => { current.loading = null; });
  return current.loading;
}

function listen() {
  if (listening) return;
  listening = true;
  on('ws:event', (ev) => {
    if (!ev || ev.type !== 'agent.presence' || !state.me) return;
    const p = ev.payload || {};
    if (p.agent_id !== state.me.id) return;
    const was = mine() ? current.status : '';
    set(p.status, p.since);
    if (was && was !== p.status) announce(t('presence.changed', { status: presenceLabel(p.status) }));
  });
  // After a reconnect without a resume point, ask again; a reconnect may
  // itself have brought an automatic away back online.
  on('resync', () => load());
  on('ws:status', (s) => { if (s === 'live' && state.me) load(); });
}

// presenceSwitch is the labelled select with its dot for the top bar.
export function presenceSwitch() {
  listen();
  const id = uid('presence');
  const sel = h('select', { id, class: 'presence-select', 'data-testid': 'presence-select' },
    PRESENCES.map((p) => h('option', { value: p }, presenceLabel(p))));
  const dot = presenceDot('offline', { 'data-testid': 'presence-dot' });
  const el = h('div', { class: 'presence', 'data-testid': 'presence', hidden: true },
    dot, h('label', { for: id, class: 'sr-only' }, t('presence.label')), sel);
  let saving = false;

  const render = () => {
    const known = mine() && current.status;
    el.hidden = current.missing || !known;
    if (!known) return;
    el.dataset.status = current.status;
    dot.className = `presence-dot presence-${current.status}`;
    if (!saving) sel.value = current.status;
    sel.title = current.since ? t('presence.since', { status: presenceLabel(current.status), since: new Date(current.since).toLocaleString() }) : '';
  };

  sel.addEventListener('change', async () => {
    const want = sel.value;
    saving = true;
    sel.disabled = true;
    try {
      const d = await api('PUT', '/api/v1/me/presence', { status: want });
      saving = false;
      set((d && d.status) || want, d && d.since);
      announce(t('presence.changed', { status: presenceLabel(current.status) }));
    } catch (err) {
      saving = false;
      render();
      announce(errorText(err));
      sel.title = errorText(err);
    } finally {
      sel.disabled = false;
    }
  });

  const s = { el, render };
  switches.add(s);
  render();
  if (!mine() || !current.status) load();
  return el;
}
