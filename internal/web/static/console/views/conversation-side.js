// The conversation's details panel: priority, assignee, team, inbox and
// tags; the contact with their attributes and the wallet context found in
// the messages; the visitor's context (conversation-visitor.js); custom
// attributes; the FAQ bot's decision log; and the contact's past
// conversations.
import { h, uid } from '../dom.js';
import { t, fmtDateTime, fmtMsgTime, priorityLabel } from '../i18n.js';
import { api, apiPath, qs, errorText } from '../api.js';
import { state, inboxById } from '../state.js';
import { statusBadge, PRIORITIES } from './common.js';
import { walletChip, walletAttr } from '../wallet.js';
import { patchConv } from './conversation-data.js';
import { visitorList } from './conversation-visitor.js';

// buildSide fills the panel element aside and keeps its parts in v.side;
// close hides the panel.
export function buildSide(v, aside, close) {
  const p = { el: aside, botTimer: 0 };
  v.side = p;
  p.prioSel = h('select', { 'data-testid': 'priority-select' }, PRIORITIES.map((x) => h('option', { value: x }, priorityLabel(x))));
  p.assigneeSel = h('select', { 'data-testid': 'assignee-select' });
  p.teamSel = h('select', { 'data-testid': 'team-select' });
  p.inboxEl = h('dd', {});
  p.prioSel.addEventListener('change', () => patchConv(v, { priority: p.prioSel.value }));
  p.assigneeSel.addEventListener('change', () => patchConv(v, { assignee_id: p.assigneeSel.value }));
  p.teamSel.addEventListener('change', () => patchConv(v, { team_id: p.teamSel.value }));
  const tagForm = buildTagForm(v, p);
  p.contactDl = h('dl', { class: 'kv', 'data-testid': 'contact-panel' });
  p.attrs = attrEditor(v, '', () => (v.conv && v.conv.attributes) || {}, (attributes) => patchConv(v, { attributes }));
  p.contactAttrs = attrEditor(v, 'contact-', () => (v.contact && v.contact.attributes) || {}, (attributes) => patchContact(v, attributes));
  p.pastList = h('ul', { class: 'past', 'data-testid': 'past-conversations' });
  p.botList = h('ul', { class: 'bot-log', 'data-testid': 'bot-decisions' });
  p.visitorDl = visitorList();

  const sideSection = (title, ...children) => h('section', { class: 'side-section' }, h('h3', {}, title), ...children);
  const sideField = (label, control) => {
    control.id = control.id || uid('sf');
    return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  };
  aside.append(
    h('div', { class: 'side-top' },
      h('button', { type: 'button', class: 'btn small side-close', onclick: close }, t('common.close'))),
    sideSection(t('side.conversation'),
      sideField(t('side.priority'), p.prioSel),
      sideField(t('side.assignee'), p.assigneeSel),
      sideField(t('side.team'), p.teamSel),
      h('dl', { class: 'kv' }, h('dt', {}, t('side.inbox')), p.inboxEl),
      h('h4', {}, t('side.tags')), p.tagList, tagForm),
    sideSection(t('side.contact'), p.contactDl,
      h('h4', {}, t('side.contactAttributes')), p.contactAttrs.list, p.contactAttrs.form),
    sideSection(t('side.visitor'), p.visitorDl),
    sideSection(t('side.attributes'), p.attrs.list, p.attrs.form),
    sideSection(t('side.bot'), p.botList),
    sideSection(t('side.past'), p.pastList));
}

function buildTagForm(v, p) {
  p.tagList = h('ul', { class: 'chips', 'data-testid': 'tag-list', 'aria-label': t('side.tags') });
  const tagInput = h('input', { type: 'text', 'data-testid': 'tag-input', autocomplete: 'off', spellcheck: 'false', maxlength: '50' });
  p.tagInput = tagInput;
  const tagForm = h('form', { class: 'inline-form', novalidate: true },
    h('label', { for: tagInput.id = uid('tag'), class: 'sr-only' }, t('side.addTag')),
    tagInput,
    h('button', { type: 'submit', class: 'btn small', 'data-testid': 'tag-add' }, t('side.addTagButton')));
  tagInput.placeholder = t('side.addTagPlaceholder');
  tagForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const add = tagInput.value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (!add.length || !v.conv) return;
    const tags = [...new Set([...(v.conv.tags || []), ...add])];
    if (await patchConv(v, { tags })) tagInput.value = '';
  });
  return tagForm;
}

// attrEditor edits one set of custom attributes (the conversation's, or
// the contact's with testid prefix 'contact-'): get returns them, save
// sends a merge ({name: value, or null to delete}) and answers whether it
// worked. An edit in progress is not overwritten by a live update.
function attrEditor(v, prefix, get, save) {
  const ed = { dirty: false };
  ed.list = h('ul', { class: 'attrs', 'data-testid': `${prefix}attributes` });
  const key = h('input', { type: 'text', 'data-testid': `${prefix}attr-key`, autocomplete: 'off', maxlength: '100' });
  const val = h('input', { type: 'text', 'data-testid': `${prefix}attr-value`, autocomplete: 'off' });
  ed.form = h('form', { class: 'attr-add', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: key.id = uid('attr-key') }, t('side.attrKey')), key),
    h('div', { class: 'field' }, h('label', { for: val.id = uid('attr-val') }, t('side.attrValue')), val),
    h('button', { type: 'submit', class: 'btn small', 'data-testid': `${prefix}attr-add` }, t('side.attrAdd')));
  ed.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const k = key.value.trim();
    if (!k) { key.focus(); return; }
    if (await save({ [k]: val.value })) {
      key.value = '';
      val.value = '';
      key.focus();
    }
  });
  ed.list.addEventListener('focusout', (e) => {
    if (ed.dirty && !ed.list.contains(e.relatedTarget)) v.later(() => ed.render(), 0);
  });
  ed.update = () => {
    if (ed.list.contains(document.activeElement)) ed.dirty = true;
    else ed.render();
  };
  ed.render = () => {
    ed.dirty = false;
    const attrs = get();
    const keys = Object.keys(attrs).sort();
    ed.list.replaceChildren(...keys.map((k) => {
      const input = h('input', { type: 'text', id: uid('attr'), 'data-attr-key': k, autocomplete: 'off' });
      input.value = attrs[k] == null ? '' : String(attrs[k]);
      const saveBtn = h('button', {
        type: 'button', class: 'btn small', 'aria-label': t('side.attrSave', { key: k }),
        onclick: () => save({ [k]: input.value }),
      }, t('common.save'));
      const remove = h('button', {
        type: 'button', class: 'btn small subtle', 'aria-label': t('side.attrRemove', { key: k }),
        onclick: async () => { if (await save({ [k]: null })) key.focus(); },
      }, t('common.remove'));
      input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); saveBtn.click(); } });
      return h('li', { class: 'attr-row' }, h('label', { for: input.id, class: 'attr-key' }, k), input, h('div', { class: 'btn-row' }, saveBtn, remove));
    }));
    if (!keys.length) ed.list.append(h('li', { class: 'muted' }, t('side.noAttrs')));
  };
  return ed;
}

// patchContact merges attributes into the conversation's contact.
async function patchContact(v, attributes) {
  const { errBox } = v.head;
  errBox.set('');
  try {
    const c = await api('PATCH', apiPath('contacts', v.conv.contact_id), { attributes });
    if (v.destroyed) return true;
    v.contact = c;
    v.side.contactAttrs.render();
    return true;
  } catch (err) {
    if (!v.destroyed) errBox.set(errorText(err));
    return false;
  }
}

function fillAssignees(v) {
  const { conv } = v;
  const sel = v.side.assigneeSel;
  const cur = conv ? conv.assignee_id || '' : '';
  const opts = [h('option', { value: '' }, t('side.unassigned'))];
  for (const a of state.agents) {
    if (a.active === false && a.id !== cur) continue;
    opts.push(h('option', { value: a.id }, a.name ? `${a.name} (${a.email})` : a.email));
  }
  if (cur && !state.agents.some((a) => a.id === cur)) opts.push(h('option', { value: cur }, cur));
  sel.replaceChildren(...opts);
  sel.value = cur;
}

function fillTeams(v) {
  const { conv } = v;
  const sel = v.side.teamSel;
  const cur = conv ? conv.team_id || '' : '';
  const opts = [h('option', { value: '' }, t('side.noTeam'))];
  for (const tm of state.teams) opts.push(h('option', { value: tm.id }, tm.name));
  if (cur && !state.teams.some((tm) => tm.id === cur)) opts.push(h('option', { value: cur }, cur));
  sel.replaceChildren(...opts);
  sel.value = cur;
}

function renderTags(v) {
  const { tagList, tagInput } = v.side;
  const tags = (v.conv && v.conv.tags) || [];
  const hadFocus = tagList.contains(document.activeElement);
  tagList.replaceChildren(...tags.map((tag) => h('li', { class: 'chip' },
    h('span', {}, tag),
    h('button', {
      type: 'button', class: 'chip-x', 'aria-label': t('side.removeTag', { tag }), 'data-testid': 'tag-remove',
      onclick: async () => { if (await patchConv(v, { tags: tags.filter((x) => x !== tag) })) tagInput.focus(); },
    }, '×'))));
  if (!tags.length) tagList.append(h('li', { class: 'muted' }, t('side.noTags')));
  if (hadFocus && !tagList.contains(document.activeElement)) tagInput.focus();
}

export function renderContact(v) {
  const { conv, contact } = v;
  const rows = [];
  const row = (label, value) => rows.push(h('dt', {}, label), h('dd', {}, value || '—'));
  row(t('contact.name'), (contact && contact.name) || (conv && conv.contact_name) || t('visitor'));
  row(t('contact.email'), (contact && contact.email) || (conv && conv.contact_email));
  row(t('contact.externalId'), contact && contact.external_id);
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
  v.side.contactDl.replaceChildren(...rows);
  v.side.contactAttrs.update();
}

export function updateSide(v) {
  const { conv } = v;
  const p = v.side;
  if (!conv) return;
  if (document.activeElement !== p.prioSel) p.prioSel.value = conv.priority || 'normal';
  fillAssignees(v);
  fillTeams(v);
  const inbox = inboxById(conv.inbox_id);
  p.inboxEl.textContent = inbox ? inbox.name : conv.inbox_id || '—';
  renderTags(v);
  p.attrs.update();
  renderContact(v);
}

export async function loadContact(v) {
  if (!v.conv || !v.conv.contact_id) return;
  try {
    v.contact = await api('GET', apiPath('contacts', v.conv.contact_id));
  } catch {
    v.contact = null;
  }
}

export async function loadPast(v) {
  const { conv } = v;
  const list = v.side.pastList;
  if (!conv || !conv.contact_id) return;
  try {
    const d = await api('GET', `/api/v1/conversations${qs({ contact_id: conv.contact_id, limit: 20 })}`);
    if (v.destroyed) return;
    const others = ((d && d.conversations) || []).filter((c) => c.id !== v.id);
    list.replaceChildren(...others.map((c) => h('li', {},
      h('a', { href: `#/conversations/${encodeURIComponent(c.id)}`, class: 'past-link', 'data-testid': 'past-conversation', 'data-conversation-id': c.id },
        h('span', { class: 'past-top' }, h('time', { datetime: c.created_at }, fmtDateTime(c.created_at)), statusBadge(c.status)),
        c.last_message && c.last_message.body ? h('span', { class: 'past-preview' }, c.last_message.body.replace(/\s+/g, ' ')) : null))));
    if (!others.length) list.append(h('li', { class: 'muted' }, t('side.noPast')));
  } catch (err) {
    list.replaceChildren(h('li', { class: 'muted' }, errorText(err)));
  }
}

// loadBot shows the bot's decision log: what it was asked, what it did,
// how sure it was, and what the visitor answered.
export async function loadBot(v) {
  const list = v.side.botList;
  try {
    const d = await api('GET', `${apiPath('conversations', v.id)}/bot-decisions`);
    if (v.destroyed) return;
    const ds = (d && d.decisions) || [];
    list.replaceChildren(...ds.map((x) => {
      const top = (x.candidates || [])[0];
      const outcome = t(`bot.outcome.${x.outcome}`) + (x.reason ? ` · ${t(`bot.reason.${x.reason}`)}` : '');
      return h('li', { 'data-testid': 'bot-decision', 'data-outcome': x.outcome, 'data-article': x.article_id || '' },
        h('span', { class: 'bot-top' }, h('time', { datetime: x.created_at }, fmtMsgTime(x.created_at)), ' ',
          h('strong', {}, outcome)),
        h('span', { class: 'bot-q' }, x.question),
        top ? h('span', { class: 'muted' }, `${top.article_id} · ${Math.round((top.confidence || 0) * 100)}%`) : null,
        x.feedback ? h('span', { class: 'bot-fb', 'data-testid': 'bot-feedback' }, t(`bot.feedback.${x.feedback.split(':')[0]}`)) : null);
    }));
    if (!ds.length) list.append(h('li', { class: 'muted' }, t('side.noBot')));
  } catch (err) {
    list.replaceChildren(h('li', { class: 'muted' }, err.status === 404 ? t('side.noBot') : errorText(err)));
  }
}

export function reloadBotSoon(v) {
  const p = v.side;
  clearTimeout(p.botTimer);
  p.botTimer = setTimeout(() => { if (!v.destroyed) loadBot(v); }, 300);
}
