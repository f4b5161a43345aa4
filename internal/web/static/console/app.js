// Huiying agent console: boot, session, hash router and the page shell.
import { h, focusEl } from './dom.js';
import { t, initLang, getLang, setLang, onLangChange, LANGS } from './i18n.js';
import { api, setCsrf, onUnauthorized } from './api.js';
import { AgentSocket } from './ws.js';
import { state, emit, on, isAdmin, loadRefs, loadCanned, resetState } from './state.js';
import { mountLogin } from './views/login.js';
import { createWorkspace, VIEWS, defaultView } from './views/inbox.js';
import { mountCanned } from './views/canned.js';
import { mountKB, canEditKB } from './views/kb.js';
import { mountUnanswered } from './views/unanswered.js';
import { mountAdmin, ADMIN_TABS } from './views/admin.js';
import { openPasswordDialog } from './views/password.js';
import { mountTotpSetup } from './views/totp.js';
import { mountSetupChecklist } from './views/setup.js';
import { mountProfile, avatarEl } from './views/profile.js';
import { presenceSwitch } from './views/presence.js';
import { mountQueues, canSeeQueues } from './views/queues.js';

const root = document.getElementById('app') || document.body.appendChild(h('div', { id: 'app' }));
let mounted = null; // {key, show?, destroy}
let shell = null; // {el, main, navLinks, conn}
let returnTo = '';
let loginNotice = '';
let booted = false;
let connStatus = 'connecting';
// totpSetup: an admin signed in without two-factor sign-in; the server
// refuses everything else until enrollment is done.
let totpSetup = false;

const socket = new AgentSocket({
  onEvent: (ev) => emit('ws:event', ev),
  onTyping: (f) => emit('ws:typing', f),
  onStatus: (s) => { connStatus = s; renderConn(); emit('ws:status', s); },
  onResync: () => emit('resync'),
  onTrouble: () => {
    // Several failed connections: maybe the session ended.
    api('GET', '/api/v1/session', undefined, { quiet401: true }).catch((err) => {
      if (err.status === 401) signedOut(t('login.expired'));
    });
  },
});

// ---- routes ----------------------------------------------------------------
function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const path = raw.split('?')[0];
  let parts;
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    parts = [];
  }
  if (!parts.length) return { name: 'home' };
  const [a, b] = parts;
  if (a === 'login') return { name: 'login' };
  if (a === 'inbox') return VIEWS.includes(b || defaultView()) ? { name: 'inbox', view: b || defaultView() } : { name: 'notfound' };
  if (a === 'conversations' && b) return { name: 'conversation', id: b };
  if (a === 'canned') return { name: 'canned' };
  if (a === 'kb') return { name: 'kb', sub: parts.slice(1) };
  if (a === 'unanswered' && !b) return { name: 'unanswered' };
  if (a === 'profile' && !b) return { name: 'profile' };
  if (a === 'queues' && !b) return { name: 'queues' };
  if (a === 'admin') return ADMIN_TABS.includes(b || 'agents') ? { name: 'admin', tab: b || 'agents' } : { name: 'notfound' };
  return { name: 'notfound' };
}

function unmount() {
  if (mounted) mounted.destroy();
  mounted = null;
}

function route() {
  const r = parseRoute();
  if (state.me && totpSetup) {
    if (!mounted || mounted.key !== 'totp') showTotpSetup();
    return;
  }
  if (!state.me) {
    if (r.name !== 'login') {
      if (r.name !== 'home') returnTo = location.hash;
      location.replace('#/login');
      return;
    }
    showLogin();
    return;
  }
  if (r.name === 'login' || r.name === 'home') {
    location.replace('#/inbox');
    return;
  }
  const fresh = !shell;
  ensureShell();
  updateNav(r);
  if (shell.setup && !fresh) shell.setup.refresh(); // a step may be done now
  const main = shell.main;
  if (r.name === 'inbox' || r.name === 'conversation') {
    if (!mounted || mounted.key !== 'workspace') {
      unmount();
      main.className = 'main main-workspace';
      mounted = createWorkspace(main);
    }
    mounted.show(r);
    document.title = r.name === 'conversation' ? t('title.conversation') : t('title.inbox');
    return;
  }
  if (r.name === 'kb' && mounted && mounted.key === 'kb') {
    mounted.show(r); // keeps the list and its filters
    return;
  }
  unmount();
  main.className = 'main main-page';
  main.scrollTop = 0;
  if (r.name === 'canned') {
    mounted = mountCanned(main);
    document.title = t('title.canned');
  } else if (r.name === 'kb') {
    mounted = mountKB(main);
    mounted.show(r);
    document.title = t('title.kb');
  } else if (r.name === 'unanswered') {
    mounted = mountUnanswered(main);
    document.title = t('title.unanswered');
  } else if (r.name === 'admin') {
    mounted = mountAdmin(main, r.tab);
    document.title = t('title.admin');
  } else if (r.name === 'profile') {
    mounted = mountProfile(main);
    document.title = t('title.profile');
  } else if (r.name === 'queues') {
    mounted = mountQueues(main);
    document.title = t('title.queues');
  } else {
    const hd = h('h1', { class: 'page-title', tabindex: '-1' }, t('notFound.title'));
    main.replaceChildren(h('div', { class: 'page' }, hd, h('p', {}, h('a', { href: '#/inbox' }, t('notFound.back')))));
    focusEl(hd);
    mounted = { key: 'notfound', destroy() {} };
    document.title = t('title.app');
  }
}

// ---- shell -----------------------------------------------------------------
function langButton() {
  const other = LANGS.find((l) => l !== getLang());
  return h('button', {
    type: 'button', class: 'btn lang', 'data-testid': 'lang-switch', lang: other,
    'aria-label': t('lang.switchTo', { lang: t(`lang.name.${other}`) }), 'data-lang': getLang(),
    onclick: () => setLang(other),
  }, t(`lang.short.${other}`));
}

// meLink opens your profile: your avatar and name.
function meLink() {
  return h('a', { class: 'me', href: '#/profile', title: t('profile.open', { email: state.me.email }), 'data-testid': 'profile-open' },
    avatarEl(state.me, 24), h('span', { class: 'me-name' }, state.me.name || state.me.email));
}

function ensureShell() {
  if (shell) return;
  unmount();
  const navLinks = {
    inbox: h('a', { href: '#/inbox', 'data-testid': 'nav-inbox' }, t('nav.inbox')),
    canned: h('a', { href: '#/canned', 'data-testid': 'nav-canned' }, t('nav.canned')),
    kb: h('a', { href: '#/kb', 'data-testid': 'nav-kb' }, t('nav.kb')),
  };
  if (canEditKB()) navLinks.unanswered = h('a', { href: '#/unanswered', 'data-testid': 'nav-unanswered' }, t('nav.unanswered'));
  if (canSeeQueues()) navLinks.queues = h('a', { href: '#/queues', 'data-testid': 'nav-queues' }, t('nav.queues'));
  if (isAdmin()) navLinks.admin = h('a', { href: '#/admin/agents', 'data-testid': 'nav-admin' }, t('nav.admin'));
  const conn = h('span', { class: 'conn', role: 'status', 'data-testid': 'connection-status' });
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const setup = isAdmin() ? mountSetupChecklist() : null; // the first-run checklist
  const el = h('div', { class: 'shell' },
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); focusEl(main.querySelector('h1:not(.sr-only), h2') || main); } }, t('nav.skip')),
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '#/inbox' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '回'), h('span', { class: 'brand-name' }, t('app.name'))),
      h('nav', { class: 'mainnav', 'aria-label': t('nav.label') }, Object.values(navLinks)),
      h('div', { class: 'top-right' },
        presenceSwitch(),
        conn,
        langButton(),
        meLink(),
        h('button', {
          type: 'button', class: 'btn subtle', 'data-testid': 'password-open', 'aria-haspopup': 'dialog',
          onclick: (e) => openPasswordDialog(root, e.currentTarget),
        }, h('span', { class: 'wide-only' }, t('nav.password')), h('span', { class: 'narrow-only' }, t('nav.passwordShort'))),
        h('button', { type: 'button', class: 'btn subtle', 'data-testid': 'sign-out', onclick: signOut }, t('nav.signOut')))),
    setup && setup.el,
    main);
  root.replaceChildren(el);
  shell = { el, main, navLinks, conn, setup };
  renderConn();
}

function updateNav(r) {
  const current = r.name === 'conversation' ? 'inbox' : r.name;
  for (const [k, a] of Object.entries(shell.navLinks)) {
    if (k === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function renderConn() {
  if (!shell) return;
  shell.conn.className = `conn conn-${connStatus}`;
  shell.conn.textContent = t(`conn.${connStatus}`);
}

function showLogin() {
  unmount();
  shell = null;
  document.title = t('title.login');
  const notice = loginNotice;
  loginNotice = '';
  mounted = mountLogin(root, { onSignedIn: signedIn, notice, langButton: langButton() });
  mounted.key = 'login';
}

function showTotpSetup() {
  unmount();
  shell = null;
  document.title = t('title.totp');
  mounted = mountTotpSetup(root, {
    langButton: langButton(),
    onSignOut: signOut,
    onDone: async () => {
      try {
        const s = await api('GET', '/api/v1/session', undefined, { quiet401: true });
        signedIn(s);
      } catch {
        signedOut(t('login.expired'));
      }
    },
  });
}

// ---- session ---------------------------------------------------------------
function signedIn(data) {
  state.me = data.agent;
  setCsrf(data.csrf_token);
  totpSetup = Boolean(data.totp_setup_required);
  if (totpSetup) {
    route();
    return;
  }
  socket.start();
  loadRefs();
  loadCanned();
  const to = returnTo && !returnTo.startsWith('#/login') ? returnTo : '#/inbox';
  returnTo = '';
  if (location.hash === to) route();
  else location.hash = to;
}

function signedOut(notice) {
  socket.stop();
  unmount();
  shell = null;
  resetState();
  setCsrf('');
  totpSetup = false;
  loginNotice = notice || '';
  if (location.hash !== '#/login') location.hash = '#/login';
  else route();
}

async function signOut() {
  try {
    await api('DELETE', '/api/v1/session', undefined, { quiet401: true });
  } catch { /* signed out either way */ }
  signedOut('');
}

onUnauthorized(() => {
  if (!state.me) return;
  const hash = location.hash;
  signedOut(t('login.expired'));
  returnTo = hash;
});

onLangChange(() => {
  if (!booted) return;
  // Rebuild the page in the new language (drafts and filters are kept).
  unmount();
  shell = null;
  route();
  const btn = document.querySelector('[data-testid="lang-switch"]');
  if (btn) btn.focus();
});

on('ws:status', () => {});
on('me', () => {
  const old = shell && shell.el.querySelector('[data-testid="profile-open"]');
  if (old) old.replaceWith(meLink());
});
// The session tells who you are; the agent list also tells your avatar.
on('refs', () => {
  const a = state.me && state.agents.find((x) => x.id === state.me.id);
  if (a && (a.avatar_url || '') !== (state.me.avatar_url || '')) {
    state.me = { ...state.me, avatar_url: a.avatar_url || '' };
    emit('me');
  }
});

async function boot() {
  initLang();
  window.addEventListener('hashchange', route);
  try {
    const s = await api('GET', '/api/v1/session', undefined, { quiet401: true });
    if (s && s.agent) {
      state.me = s.agent;
      setCsrf(s.csrf_token);
      totpSetup = Boolean(s.totp_setup_required);
    }
    if (s && s.agent && !totpSetup) {
      socket.start();
      loadRefs();
      loadCanned();
    }
  } catch (err) {
    if (err.status !== 401) loginNotice = err.status === 0 ? t('err.network') : '';
  }
  booted = true;
  route();
}

boot();
