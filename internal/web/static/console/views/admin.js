// Admin pages: agents, teams, inboxes. Shown to admins only (the server
// enforces the role as well).
import { h, uid } from '../dom.js';
import { t, roleLabel } from '../i18n.js';
import { api, apiPath, errorText, qs } from '../api.js';
import { state, isAdmin, loadRefs } from '../state.js';
import { messageBox, pageHeading, secretBox, copyButton, ROLES } from './common.js';
import { channelsTab } from './channels.js';
import { tokensTab } from './tokens.js';
import { inboxSecret } from './inbox-secret.js';
import { markSnippetCopied } from './setup.js';
import { agentRouting } from './agent-routing.js';
import { teamRouting } from './team-routing.js';

export const ADMIN_TABS = ['agents', 'teams', 'inboxes', 'channels', 'tokens', 'audit'];

export function mountAdmin(container, tab) {
  let destroyed = false;
  const heading = pageHeading(t('admin.title'));
  if (!isAdmin()) {
    container.replaceChildren(h('div', { class: 'page' }, heading,
      h('p', { class: 'msgbox msgbox-info', role: 'status' }, t('admin.onlyAdmins'))));
    heading.focus();
    return { key: 'admin', destroy() {} };
  }

  const tabs = h('nav', { class: 'tabs', 'aria-label': t('admin.sections') },
    ADMIN_TABS.map((k) => h('a', {
      href: `#/admin/${k}`, class: 'tab', 'data-testid': `admin-tab-${k}`, 'aria-current': k === tab ? 'page' : null,
    }, t(`admin.tab.${k}`))));
  const body = h('div', { class: 'admin-body' });
  container.replaceChildren(h('div', { class: 'page' }, heading, tabs, body));

  const ctx = { isDestroyed: () => destroyed };
  if (tab === 'teams') teamsTab(body, ctx);
  else if (tab === 'inboxes') inboxesTab(body, ctx);
  else if (tab === 'audit') auditTab(body, ctx);
  else if (tab === 'channels') channelsTab(body, ctx);
  else if (tab === 'tokens') tokensTab(body, ctx);
  else agentsTab(body, ctx);
  heading.focus();
  return { key: `admin-${tab}`, destroy() { destroyed = true; } };
}

function roleSelect(value, attrs = {}) {
  return h('select', { ...attrs, value }, ROLES.map((r) => h('option', { value: r }, roleLabel(r))));
}

// ---- agents ---------------------------------------------------------------
function agentsTab(body, ctx) {
  const box = messageBox();
  const secretSlot = h('div', { 'data-testid': 'agent-password-slot' });
  const email = h('input', { type: 'email', id: uid('ag-email'), 'data-testid': 'agent-email', autocomplete: 'off', spellcheck: 'false', required: true });
  const name = h('input', { type: 'text', id: uid('ag-name'), 'data-testid': 'agent-name', autocomplete: 'off', required: true });
  const role = roleSelect('agent', { id: uid('ag-role'), 'data-testid': 'agent-role' });
  const pw = h('input', { type: 'password', id: uid('ag-pw'), 'data-testid': 'agent-password', autocomplete: 'new-password', minlength: '10' });
  const pwHint = h('p', { class: 'hint', id: uid('hint') }, t('admin.agents.passwordHint'));
  pw.setAttribute('aria-describedby', pwHint.id);
  const submit = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'agent-invite' }, t('admin.agents.invite'));
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('admin.agents.inviteTitle')),
    h('div', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: email.id }, t('admin.agents.email')), email),
      h('div', { class: 'field' }, h('label', { for: name.id }, t('admin.agents.name')), name),
      h('div', { class: 'field' }, h('label', { for: role.id }, t('admin.agents.role')), role),
      h('div', { class: 'field' }, h('label', { for: pw.id }, t('admin.agents.password')), pw, pwHint)),
    box, h('div', { class: 'btn-row' }, submit));
  const list = h('ul', { class: 'admin-list', 'data-testid': 'agent-list' });
  const listBox = messageBox();
  const listTitleId = uid('ag-list');
  body.replaceChildren(form, secretSlot, h('section', { class: 'card', 'aria-labelledby': listTitleId },
    h('h2', { id: listTitleId }, t('admin.agents.listTitle')), listBox, list));

  function render() {
    const me = state.me ? state.me.id : '';
    list.replaceChildren(...state.agents.map((a) => {
      const self = a.id === me;
      const rsel = roleSelect(a.role, { id: uid('role'), 'data-testid': 'agent-role-select', disabled: self });
      rsel.addEventListener('change', () => update(a, { role: rsel.value }, rsel));
      const toggle = h('button', {
        type: 'button', class: a.active === false ? 'btn small' : 'btn small danger', disabled: self,
        'data-testid': a.active === false ? 'agent-reactivate' : 'agent-deactivate',
        'aria-label': t(a.active === false ? 'admin.agents.reactivateLabel' : 'admin.agents.deactivateLabel', { name: a.name || a.email }),
      }, a.active === false ? t('admin.agents.reactivate') : t('admin.agents.deactivate'));
      toggle.addEventListener('click', () => update(a, { active: a.active === false }, toggle));
      return h('li', { class: `admin-item${a.active === false ? ' inactive' : ''}`, 'data-testid': 'agent-row', 'data-agent-id': a.id },
        h('div', { class: 'admin-item-main' },
          h('span', { class: 'admin-item-name' }, a.name || a.email, self ? h('span', { class: 'muted' }, ` ${t('admin.agents.you')}`) : null),
          h('span', { class: 'admin-item-sub' }, a.email),
          h('span', { class: `badge ${a.active === false ? 'status-closed' : 'status-open'}` },
            a.active === false ? t('admin.agents.inactive') : t('admin.agents.active'))),
        h('div', { class: 'admin-item-actions' },
          h('label', { for: rsel.id, class: 'sr-only' }, t('admin.agents.roleFor', { name: a.name || a.email })),
          rsel, toggle),
        agentRouting(a, (next) => {
          const i = state.agents.findIndex((x) => x.id === next.id);
          if (i >= 0) state.agents[i] = next;
        }));
    }));
    if (!state.agents.length) list.append(h('li', { class: 'muted' }, t('admin.agents.none')));
  }

  async function update(a, change, el) {
    listBox.set('');
    try {
      await api('PATCH', apiPath('agents', a.id), change);
      await loadRefs();
      if (ctx.isDestroyed()) return;
      render();
      const row = list.querySelector(`[data-agent-id="${CSS.escape(a.id)}"]`);
      const again = row && row.querySelector(el.tagName === 'SELECT' ? 'select' : 'button');
      if (again) again.focus();
    } catch (err) {
      listBox.set(errorText(err));
      render();
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    box.set('');
    if (!email.value.trim()) { box.set(t('admin.agents.needEmail')); email.focus(); return; }
    if (pw.value && pw.value.length < 10) { box.set(t('admin.agents.shortPassword')); pw.focus(); return; }
    submit.disabled = true;
    try {
      const payload = { email: email.value.trim(), name: name.value.trim(), role: role.value };
      if (pw.value) payload.password = pw.value;
      const d = await api('POST', '/api/v1/agents', payload);
      const created = (d && d.agent) || {};
      secretSlot.replaceChildren(d && d.password
        ? secretBox(t('admin.agents.passwordFor', { email: created.email || payload.email }), d.password, t('admin.agents.passwordOnce'))
        : h('p', { class: 'msgbox msgbox-ok', role: 'status' }, t('admin.agents.created', { email: created.email || payload.email })));
      email.value = '';
      name.value = '';
      pw.value = '';
      role.value = 'agent';
      await loadRefs();
      if (!ctx.isDestroyed()) render();
      const focusTarget = secretSlot.querySelector('button') || email;
      focusTarget.focus();
    } catch (err) {
      box.set(errorText(err));
    } finally {
      submit.disabled = false;
    }
  });

  render();
  // Busy until the fresh list is drawn (it replaces the rows, and what was
  // typed into them).
  list.setAttribute('aria-busy', 'true');
  loadRefs().then(() => {
    if (ctx.isDestroyed()) return;
    render();
    list.removeAttribute('aria-busy');
  });
}

// ---- teams ----------------------------------------------------------------
function teamsTab(body, ctx) {
  const box = messageBox();
  const name = h('input', { type: 'text', id: uid('tm-name'), 'data-testid': 'team-name', autocomplete: 'off', maxlength: '100' });
  const submit = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'team-create' }, t('admin.teams.create'));
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('admin.teams.createTitle')),
    h('div', { class: 'inline-form' }, h('div', { class: 'field grow' }, h('label', { for: name.id }, t('admin.teams.name')), name), submit),
    box);
  const list = h('ul', { class: 'team-list', 'data-testid': 'team-list' });
  const listBox = messageBox();
  const routingOpen = new Set(); // teams whose routing settings are unfolded
  body.replaceChildren(form, h('section', { class: 'card' }, h('h2', {}, t('admin.teams.listTitle')), listBox, list));

  function agentName(id) {
    const a = state.agents.find((x) => x.id === id);
    return a ? (a.name || a.email) : id;
  }

  function render(focusTeam) {
    list.replaceChildren(...state.teams.map((tm) => {
      const members = Array.isArray(tm.member_ids) ? tm.member_ids : [];
      const candidates = state.agents.filter((a) => !members.includes(a.id) && a.active !== false);
      const sel = h('select', { id: uid('tm-add'), 'data-testid': 'team-member-select' },
        h('option', { value: '' }, t('admin.teams.pickAgent')),
        candidates.map((a) => h('option', { value: a.id }, a.name ? `${a.name} (${a.email})` : a.email)));
      const addBtn = h('button', { type: 'submit', class: 'btn small', 'data-testid': 'team-member-add' }, t('admin.teams.add'));
      const addForm = h('form', { class: 'inline-form', novalidate: true },
        h('div', { class: 'field grow' }, h('label', { for: sel.id }, t('admin.teams.addMember', { team: tm.name })), sel), addBtn);
      addForm.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!sel.value) { sel.focus(); return; }
        await change(() => api('POST', apiPath('teams', tm.id, 'members'), { agent_id: sel.value }), tm.id);
      });
      return h('li', { class: 'card team', 'data-testid': 'team-row', 'data-team-id': tm.id },
        h('h3', {}, tm.name),
        h('ul', { class: 'chips', 'aria-label': t('admin.teams.members', { team: tm.name }) },
          members.length ? members.map((mid) => h('li', { class: 'chip', 'data-agent-id': mid },
            h('span', {}, agentName(mid)),
            h('button', {
              type: 'button', class: 'chip-x', 'data-testid': 'team-member-remove',
              'aria-label': t('admin.teams.removeMember', { name: agentName(mid), team: tm.name }),
              onclick: () => change(() => api('DELETE', apiPath('teams', tm.id, 'members', mid)), tm.id),
            }, '×'))) : h('li', { class: 'muted' }, t('admin.teams.noMembers'))),
        addForm,
        teamRouting(tm, {
          teams: state.teams,
          open: routingOpen.has(tm.id),
          onToggle: (open) => (open ? routingOpen.add(tm.id) : routingOpen.delete(tm.id)),
          onSaved: (next) => {
            const i = state.teams.findIndex((x) => x.id === next.id);
            if (i >= 0) state.teams[i] = next;
          },
        }));
    }));
    if (!state.teams.length) list.append(h('li', { class: 'muted' }, t('admin.teams.none')));
    if (focusTeam) {
      const row = list.querySelector(`[data-team-id="${CSS.escape(focusTeam)}"]`);
      const el = row && row.querySelector('select');
      if (el) el.focus();
    }
  }

  async function change(call, teamId) {
    listBox.set('');
    try {
      await call();
      await loadRefs();
      if (!ctx.isDestroyed()) render(teamId);
    } catch (err) {
      listBox.set(errorText(err));
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    box.set('');
    if (!name.value.trim()) { box.set(t('admin.teams.needName')); name.focus(); return; }
    submit.disabled = true;
    try {
      await api('POST', '/api/v1/teams', { name: name.value.trim() });
      box.set(t('admin.teams.created', { name: name.value.trim() }), 'ok');
      name.value = '';
      await loadRefs();
      if (!ctx.isDestroyed()) render();
      name.focus();
    } catch (err) {
      box.set(errorText(err));
    } finally {
      submit.disabled = false;
    }
  });

  render();
  loadRefs().then(() => { if (!ctx.isDestroyed()) render(); });
}

// ---- inboxes --------------------------------------------------------------
export function embedSnippet(key) {
  return `<script src="${location.origin}/widget.js" data-inbox="${key}" async></script>`;
}

function inboxesTab(body, ctx) {
  const box = messageBox();
  const secretSlot = h('div', { 'data-testid': 'inbox-secret-slot' });
  const name = h('input', { type: 'text', id: uid('in-name'), 'data-testid': 'inbox-name', autocomplete: 'off', maxlength: '200' });
  const submit = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'inbox-create' }, t('admin.inboxes.create'));
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('admin.inboxes.createTitle')),
    h('p', { class: 'hint' }, t('admin.inboxes.createHint')),
    h('div', { class: 'inline-form' }, h('div', { class: 'field grow' }, h('label', { for: name.id }, t('admin.inboxes.name')), name), submit),
    box);
  const list = h('ul', { class: 'inbox-list', 'data-testid': 'inbox-list' });
  body.replaceChildren(form, secretSlot, h('section', { class: 'card' }, h('h2', {}, t('admin.inboxes.listTitle')), list));

  function render() {
    list.replaceChildren(...state.inboxes.map((ib) => {
      const key = ib.public_key || '';
      const chatUrl = `${location.origin}/chat/${encodeURIComponent(key)}`;
      const snippet = embedSnippet(key);
      const web = !ib.channel || ib.channel === 'webchat';
      return h('li', { class: 'card inbox', 'data-testid': 'inbox-row', 'data-inbox-id': ib.id },
        h('h3', {}, ib.name || ib.id, ' ', h('span', { class: 'badge status-resolved' }, t(`admin.inboxes.channel.${web ? 'webchat' : 'api'}`))),
        h('dl', { class: 'kv' },
          h('dt', {}, t('admin.inboxes.key')),
          h('dd', {}, h('code', { 'data-testid': 'inbox-key' }, key), ' ', copyButton(key, t('common.copy'), { 'aria-label': t('admin.inboxes.copyKey') }))),
        web ? h('div', { class: 'snippet' },
          h('p', { class: 'snippet-label' }, t('admin.inboxes.snippet')),
          h('pre', { class: 'code' }, h('code', { 'data-testid': 'inbox-snippet' }, snippet)),
          copyButton(snippet, t('admin.inboxes.copySnippet'), { 'data-testid': 'inbox-snippet-copy', onclick: markSnippetCopied })) : null,
        web ? h('p', {}, t('admin.inboxes.chatLink'), ' ',
          h('a', { href: chatUrl, target: '_blank', rel: 'noopener', 'data-testid': 'inbox-chat-link' }, chatUrl)) : null,
        inboxSecret(ib), botToggle(ib), teamSelect(ib));
    }));
    if (!state.inboxes.length) list.append(h('li', { class: 'muted' }, t('admin.inboxes.none')));
  }

  // botToggle switches the FAQ bot of one inbox (PATCH /api/v1/inboxes/{id}).
  function botToggle(ib) {
    const id = uid('in-bot');
    const cb = h('input', { type: 'checkbox', id, 'data-testid': 'inbox-bot' });
    cb.checked = !!ib.bot_enabled;
    const note = h('span', { class: 'hint', role: 'status' });
    cb.addEventListener('change', async () => {
      cb.disabled = true;
      note.textContent = '';
      try {
        const d = await api('PATCH', apiPath('inboxes', ib.id), { bot_enabled: cb.checked });
        ib.bot_enabled = !!(d && d.bot_enabled);
        cb.checked = ib.bot_enabled;
        note.textContent = t(ib.bot_enabled ? 'admin.inboxes.botOn' : 'admin.inboxes.botOff');
      } catch (err) {
        cb.checked = !!ib.bot_enabled;
        note.textContent = errorText(err);
      } finally {
        cb.disabled = false;
      }
    });
    return h('p', { class: 'bot-toggle' }, cb, ' ', h('label', { for: id }, t('admin.inboxes.bot')), ' ', note);
  }

  // teamSelect sets the team an inbox belongs to (PATCH … {team_id}).
  function teamSelect(ib) {
    const id = uid('in-team');
    const sel = h('select', { id, 'data-testid': 'inbox-team' },
      h('option', { value: '' }, t('admin.inboxes.noTeam')),
      ...state.teams.map((tm) => h('option', { value: tm.id }, tm.name)));
    sel.value = ib.team_id || '';
    const note = h('span', { class: 'hint', role: 'status' });
    sel.addEventListener('change', async () => {
      sel.disabled = true;
      note.textContent = '';
      try {
        const d = await api('PATCH', apiPath('inboxes', ib.id), { team_id: sel.value || null });
        ib.team_id = (d && d.team_id) || '';
        note.textContent = t('admin.inboxes.teamSaved');
      } catch (err) {
        note.textContent = errorText(err);
      } finally {
        sel.value = ib.team_id || '';
        sel.disabled = false;
      }
    });
    return h('p', { class: 'inbox-team' }, h('label', { for: id }, t('admin.inboxes.team')), ' ', sel, ' ', note);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    box.set('');
    if (!name.value.trim()) { box.set(t('admin.inboxes.needName')); name.focus(); return; }
    submit.disabled = true;
    try {
      const d = await api('POST', '/api/v1/inboxes', { name: name.value.trim(), channel: 'webchat' });
      const ib = (d && d.inbox) || {};
      secretSlot.replaceChildren(h('div', { class: 'card created' },
        h('p', { class: 'msgbox msgbox-ok', role: 'status' }, t('admin.inboxes.created', { name: ib.name || name.value.trim() })),
        d && d.hmac_secret ? secretBox(t('admin.inboxes.secret'), d.hmac_secret, t('admin.inboxes.secretOnce')) : null));
      name.value = '';
      await loadRefs();
      if (ctx.isDestroyed()) return;
      render();
      const b = secretSlot.querySelector('button');
      (b || name).focus();
    } catch (err) {
      box.set(errorText(err));
    } finally {
      submit.disabled = false;
    }
  });

  render();
  loadRefs().then(() => { if (!ctx.isDestroyed()) render(); });
}

// ---- audit log ------------------------------------------------------------
const AUDIT_PAGE = 100;

function auditTab(body, ctx) {
  const actor = h('select', { id: uid('au-actor'), 'data-testid': 'audit-actor' });
  const action = h('input', { type: 'text', id: uid('au-action'), 'data-testid': 'audit-action', autocomplete: 'off', spellcheck: 'false' });
  const since = h('input', { type: 'date', id: uid('au-since'), 'data-testid': 'audit-since' });
  const until = h('input', { type: 'date', id: uid('au-until'), 'data-testid': 'audit-until' });
  const apply = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'audit-apply' }, t('admin.audit.apply'));
  const exportLink = h('a', { class: 'btn', 'data-testid': 'audit-export', download: '' }, t('admin.audit.export'));
  const box = messageBox();
  const rows = h('tbody', { 'data-testid': 'audit-rows' });
  const more = h('button', { type: 'button', class: 'btn', 'data-testid': 'audit-more', hidden: true }, t('admin.audit.more'));
  const captionId = uid('au-cap');
  const form = h('form', { class: 'card', novalidate: true, role: 'search' },
    h('h2', {}, t('admin.audit.filters')),
    h('div', { class: 'audit-filters' },
      h('div', { class: 'field' }, h('label', { for: actor.id }, t('admin.audit.actor')), actor),
      h('div', { class: 'field' }, h('label', { for: action.id }, t('admin.audit.action')), action),
      h('div', { class: 'field' }, h('label', { for: since.id }, t('admin.audit.since')), since),
      h('div', { class: 'field' }, h('label', { for: until.id }, t('admin.audit.until')), until),
      h('div', { class: 'btn-row' }, apply, exportLink)));
  const table = h('table', { class: 'audit-table', 'aria-labelledby': captionId },
    h('thead', {}, h('tr', {},
      ['at', 'actor', 'action', 'target', 'ip', 'details'].map((c) => h('th', { scope: 'col' }, t(`admin.audit.col.${c}`))))),
    rows);
  body.replaceChildren(form, h('section', { class: 'card' },
    h('h2', { id: captionId }, t('admin.audit.title')), box, h('div', { class: 'audit-wrap' }, table), more));

  function fillActors() {
    const cur = actor.value;
    actor.replaceChildren(h('option', { value: '' }, t('admin.audit.anyone')),
      state.agents.map((a) => h('option', { value: a.id }, a.name ? `${a.name} (${a.email})` : a.email)));
    actor.value = cur;
  }

  function filters() {
    // Dates are whole days in UTC; "until" includes its day.
    let untilQ = '';
    if (until.value) {
      const d = new Date(`${until.value}T00:00:00Z`);
      if (!Number.isNaN(d.getTime())) untilQ = String(d.getTime() + 86400000);
    }
    return { actor_id: actor.value, action: action.value.trim(), since: since.value, until: untilQ };
  }

  let last = 0;
  function fmt(at) {
    const d = new Date(at);
    return Number.isNaN(d.getTime()) ? String(at) : d.toLocaleString();
  }
  function row(e) {
    const who = e.actor_email || e.actor_id || t(`admin.audit.actorType.${e.actor_type}`);
    const details = e.details && Object.keys(e.details).length ? JSON.stringify(e.details) : '';
    return h('tr', { 'data-testid': 'audit-row' },
      h('td', {}, h('time', { datetime: e.at }, fmt(e.at))),
      h('td', {}, who, ' ', h('span', { class: 'muted' }, `(${t(`admin.audit.actorType.${e.actor_type}`)})`)),
      h('td', {}, h('code', {}, e.action)),
      h('td', {}, e.target_type ? `${e.target_type} ${e.target_id || ''}` : ''),
      h('td', {}, e.ip || ''),
      h('td', { class: 'details' }, details));
  }

  async function load(append) {
    box.set('');
    const f = filters();
    exportLink.setAttribute('href', `/api/v1/audit/export${qs(f)}`);
    const q = { ...f, limit: AUDIT_PAGE };
    if (append && last) q.before = last;
    try {
      const d = await api('GET', `/api/v1/audit${qs(q)}`);
      if (ctx.isDestroyed()) return;
      const entries = (d && d.entries) || [];
      if (!append) rows.replaceChildren();
      rows.append(...entries.map(row));
      if (entries.length) last = entries[entries.length - 1].id;
      more.hidden = entries.length < AUDIT_PAGE;
      if (!rows.children.length) rows.append(h('tr', {}, h('td', { colspan: '6', class: 'muted' }, t('admin.audit.none'))));
    } catch (err) {
      box.set(errorText(err));
    }
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); last = 0; load(false); });
  more.addEventListener('click', () => load(true));
  fillActors();
  loadRefs().then(() => { if (!ctx.isDestroyed()) fillActors(); });
  load(false);
}
