// Queues: for supervisors and admins, each team's queue of conversations
// waiting for a person (waiting, longest wait, agents online, free
// capacity, open or when it opens) and every agent's presence and load,
// from GET /api/v1/routing/queues. Live: refreshed on the /ws/agent events
// that move a queue (at most once a second) and every 10 s anyway.
import { h, uid } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { api, errorText } from '../api.js';
import { state, on } from '../state.js';
import { messageBox, pageHeading } from './common.js';
import { presenceDot, presenceLabel } from './presence.js';

const EVERY_MS = 10000;
const AT_MOST_MS = 1000;
const LIVE_EVENTS = new Set(['agent.presence', 'conversation.updated', 'conversation.created']);

export function canSeeQueues() {
  return Boolean(state.me && (state.me.role === 'supervisor' || state.me.role === 'admin'));
}

// fmtWait says a number of seconds the way a person would: "45 s", "4 min",
// "1 h 5 min".
export function fmtWait(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return t('queues.seconds', { n: s });
  const min = Math.round(s / 60);
  if (min < 60) return t('queues.minutes', { n: min });
  const hrs = Math.floor(min / 60);
  return min % 60 ? t('queues.hoursMinutes', { h: hrs, m: min % 60 }) : t('queues.hours', { h: hrs });
}

// fmtOpens is when a closed queue opens, as a weekday and a time in the
// team's time zone ("Monday 09:00"), naming the zone when it is not the
// browser's.
export function fmtOpens(iso, zone) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const opts = { weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (zone && zone !== local) {
    try {
      return new Intl.DateTimeFormat(getLang(), { ...opts, timeZone: zone, timeZoneName: 'short' }).format(d);
    } catch { /* an unknown zone: the browser's time below */ }
  }
  return new Intl.DateTimeFormat(getLang(), opts).format(d);
}

export function mountQueues(container) {
  let destroyed = false;
  const heading = pageHeading(t('queues.title'));
  if (!canSeeQueues()) {
    container.replaceChildren(h('div', { class: 'page' }, heading,
      h('p', { class: 'msgbox msgbox-info', role: 'status' }, t('queues.onlySupervisors'))));
    heading.focus();
    return { key: 'queues', destroy() {} };
  }

  const box = messageBox();
  box.setAttribute('data-testid', 'queues-error');
  const cards = h('ul', { class: 'queue-cards', 'data-testid': 'queue-list', 'aria-busy': 'true' });
  const agents = h('ul', { class: 'load-list', 'data-testid': 'load-list' });
  const updated = h('p', { class: 'hint', 'data-testid': 'queues-updated' });
  const loadTitle = uid('load-title');
  container.replaceChildren(h('div', { class: 'page queues-page' },
    heading, h('p', { class: 'lead' }, t('queues.lead')), box,
    h('section', { 'aria-label': t('queues.queuesTitle') }, cards),
    h('section', { class: 'card', 'aria-labelledby': loadTitle },
      h('h2', { id: loadTitle }, t('queues.agentsTitle')), agents),
    updated));

  function teamZone(id) {
    const tm = id ? state.teams.find((x) => x.id === id) : null;
    return (tm && tm.timezone) || '';
  }

  function stat(value, label, testid) {
    return h('div', { class: 'queue-stat' }, h('dt', {}, label), h('dd', { 'data-testid': testid }, value));
  }

  function card(q) {
    const waiting = Number(q.waiting) || 0;
    const name = q.team_id ? (q.name || q.team_id) : (q.name || t('queues.noTeam'));
    const open = q.open !== false;
    const opens = !open && q.opens_at ? fmtOpens(q.opens_at, teamZone(q.team_id)) : '';
    return h('li', { class: `card queue-card${waiting ? ' has-waiting' : ''}`, 'data-testid': 'queue-card', 'data-team-id': q.team_id || '' },
      h('div', { class: 'queue-head' },
        h('h2', {}, name),
        h('span', { class: `badge ${open ? 'status-open' : 'status-closed'}`, 'data-testid': 'queue-open', 'data-open': String(open) },
          open ? t('queues.open') : (opens ? t('queues.opensAt', { when: opens }) : t('queues.closed')))),
      h('p', { class: 'queue-waiting', 'data-testid': 'queue-waiting', 'data-waiting': String(waiting) },
        h('strong', {}, String(waiting)), ' ', t(waiting === 1 ? 'queues.waitingOne' : 'queues.waiting')),
      h('dl', { class: 'queue-stats' },
        stat(waiting ? fmtWait(q.longest_wait_seconds) : '—', t('queues.longest'), 'queue-longest'),
        stat(String(Number(q.agents_online) || 0), t('queues.online'), 'queue-online'),
        stat(String(Number(q.free_capacity) || 0), t('queues.free'), 'queue-free')));
  }

  function agentRow(a) {
    const load = Number(a.load) || 0;
    const cap = Number(a.capacity) || 0;
    const pct = cap > 0 ? Math.min(100, Math.round((load / cap) * 100)) : (load > 0 ? 100 : 0);
    const skills = Array.isArray(a.skills) ? a.skills : [];
    return h('li', { class: 'load-row', 'data-testid': 'load-row', 'data-agent-id': a.id || '', 'data-presence': a.presence || 'offline' },
      h('span', { class: 'load-name' }, presenceDot(a.presence), ' ', a.name || a.id || '',
        h('span', { class: 'muted load-presence' }, ` · ${presenceLabel(a.presence)}`)),
      h('span', { class: 'load-figure', 'data-testid': 'load-figure' }, t('queues.load', { load, capacity: cap })),
      h('span', { class: `load-bar${load >= cap ? ' full' : ''}`, 'aria-hidden': 'true' }, h('span', { style: { width: `${pct}%` } })),
      skills.length ? h('ul', { class: 'chips load-skills', 'aria-label': t('queues.skillsOf', { name: a.name || '' }) },
        skills.map((s) => h('li', { class: 'tag' }, String(s)))) : h('span', { class: 'muted load-skills' }, t('queues.noSkills')));
  }

  function render(d) {
    const queues = Array.isArray(d && d.queues) ? d.queues : [];
    const list = Array.isArray(d && d.agents) ? d.agents : [];
    cards.replaceChildren(...queues.map(card));
    if (!queues.length) cards.append(h('li', { class: 'card muted' }, t('queues.none')));
    const order = { online: 0, away: 1, offline: 2 };
    const sorted = [...list].sort((a, b) => (order[a.presence] ?? 3) - (order[b.presence] ?? 3)
      || String(a.name || '').localeCompare(String(b.name || '')));
    agents.replaceChildren(...sorted.map(agentRow));
    if (!sorted.length) agents.append(h('li', { class: 'muted' }, t('queues.noAgents')));
    updated.textContent = t('queues.updated', { time: new Date().toLocaleTimeString(getLang()) });
  }

  let lastAt = 0;
  let timer = 0;
  let inFlight = false;
  let again = false;
  async function load() {
    if (destroyed) return;
    if (inFlight) { again = true; return; }
    inFlight = true;
    lastAt = Date.now();
    try {
      const d = await api('GET', '/api/v1/routing/queues');
      if (destroyed) return;
      box.set('');
      render(d);
    } catch (err) {
      if (!destroyed) box.set(errorText(err));
    } finally {
      inFlight = false;
      cards.removeAttribute('aria-busy');
    }
    if (again) { again = false; soon(); }
  }
  // soon refreshes at most once a second however many events arrive.
  function soon() {
    if (timer || destroyed) return;
    timer = setTimeout(() => { timer = 0; load(); }, Math.max(0, lastAt + AT_MOST_MS - Date.now()));
  }

  const offs = [
    on('ws:event', (ev) => { if (ev && LIVE_EVENTS.has(ev.type)) soon(); }),
    on('resync', soon),
  ];
  const every = setInterval(load, EVERY_MS);
  load();
  heading.focus();
  return {
    key: 'queues',
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      clearInterval(every);
      for (const off of offs) off();
    },
  };
}
