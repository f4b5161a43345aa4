// Shared console state: the signed-in agent, reference data (agents, teams,
// inboxes, canned replies), a small event bus, read markers and drafts.
import { get } from './api.js';

export const state = {
  me: null, // {id, email, name, role, active}
  agents: [],
  teams: [],
  inboxes: [],
  canned: null, // null until loaded
};

const bus = new EventTarget();

// Events: 'ws:event' (an /ws/agent event), 'ws:typing' (a typing frame),
// 'ws:status', 'resync', 'refs' (agents/teams/inboxes changed), 'canned',
// 'conv:local' (a conversation this console changed), 'seen' (conversation id).
export function emit(type, detail) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
}

// on subscribes and returns the unsubscribe function.
export function on(type, fn) {
  const l = (e) => fn(e.detail);
  bus.addEventListener(type, l);
  return () => bus.removeEventListener(type, l);
}

export function isAdmin() {
  return Boolean(state.me && state.me.role === 'admin');
}

// loadRefs fetches agents, teams and inboxes; a failing list stays as it was.
export async function loadRefs() {
  const [a, t, i] = await Promise.allSettled([
    get('/api/v1/agents'), get('/api/v1/teams'), get('/api/v1/inboxes'),
  ]);
  if (a.status === 'fulfilled' && a.value) state.agents = a.value.agents || [];
  if (t.status === 'fulfilled' && t.value) state.teams = t.value.teams || [];
  if (i.status === 'fulfilled' && i.value) state.inboxes = i.value.inboxes || [];
  emit('refs');
}

let cannedLoading = null;
// loadCanned fetches the canned replies once (or again with force).
export function loadCanned(force = false) {
  if (state.canned && !force) return Promise.resolve(state.canned);
  if (cannedLoading && !force) return cannedLoading;
  cannedLoading = get('/api/v1/canned_replies')
    .then((d) => {
      state.canned = Array.isArray(d) ? d : (d && (d.canned_replies || d.replies || d.items)) || [];
      emit('canned');
      return state.canned;
    })
    .catch((err) => {
      state.canned = state.canned || [];
      if (force) throw err; // the manage page shows the error
      return state.canned;
    })
    .finally(() => { cannedLoading = null; });
  return cannedLoading;
}

export function agentById(id) {
  return id ? state.agents.find((a) => a.id === id) : undefined;
}
export function teamById(id) {
  return id ? state.teams.find((t) => t.id === id) : undefined;
}
export function inboxById(id) {
  return id ? state.inboxes.find((i) => i.id === id) : undefined;
}

export function resetState() {
  state.me = null;
  state.agents = [];
  state.teams = [];
  state.inboxes = [];
  state.canned = null;
  seenCache = null;
  drafts.clear();
}

// Read markers: the highest seq this agent has seen per conversation, kept
// in localStorage so the unread dot survives a reload.
let seenCache = null;
const SEEN_LIMIT = 2000;

function seenKey() {
  return `huiying.seen.${state.me ? state.me.id : ''}`;
}

function seenMap() {
  if (seenCache) return seenCache;
  seenCache = {};
  try {
    const v = JSON.parse(localStorage.getItem(seenKey()) || '{}');
    if (v && typeof v === 'object') seenCache = v;
  } catch { /* ignore */ }
  return seenCache;
}

export function seenSeq(id) {
  return Number(seenMap()[id] || 0);
}

export function markSeen(id, seq) {
  const m = seenMap();
  if (!id || !(seq > 0) || Number(m[id] || 0) >= seq) return;
  delete m[id]; // re-insert last: the oldest markers are dropped first
  m[id] = seq;
  const keys = Object.keys(m);
  if (keys.length > SEEN_LIMIT) {
    for (const k of keys.slice(0, keys.length - SEEN_LIMIT)) delete m[k];
  }
  try { localStorage.setItem(seenKey(), JSON.stringify(m)); } catch { /* full or disabled */ }
  emit('seen', id);
}

// isUnread: the latest message came from the contact and arrived after the
// agent last had the conversation open.
export function isUnread(c) {
  const lm = c.last_message;
  if (!lm || lm.direction !== 'inbound') return false;
  return Number(c.last_seq || 0) > seenSeq(c.id);
}

// Drafts of the reply box per conversation, kept while the page lives.
const drafts = new Map();
export function getDraft(id) {
  if (!drafts.has(id)) drafts.set(id, { body: '', note: false, cmid: '' });
  return drafts.get(id);
}
