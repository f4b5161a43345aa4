// An agent's routing settings on the admin agents page: presence and load
// shown ("3 / 5"), capacity (0–100; 0 = never given conversations
// automatically) and skills (languages, chains, topics) edited with
// PATCH /api/v1/agents/{id}.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';
import { on } from '../state.js';
import { messageBox } from './common.js';
import { presenceDot, presenceLabel } from './presence.js';

export const SUGGESTED_SKILLS = ['zh-CN', 'en'];
export const MAX_CAPACITY = 100;

// parseSkills reads "zh-CN, en，tron" as a list without blanks or repeats.
export function parseSkills(text) {
  const out = [];
  for (const s of String(text || '').split(/[,，、;；\n]+/)) {
    const v = s.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

// agentRouting returns the settings block for agent a, or null when the
// server does not tell routing settings. onSaved(agent) gets the agent as
// the server stored it.
export function agentRouting(a, onSaved) {
  if (a.capacity === undefined) return null;
  const name = a.name || a.email || a.id;
  const skills = Array.isArray(a.skills) ? a.skills : [];
  const cap = h('input', {
    type: 'number', id: uid('ag-cap'), class: 'cap-input', min: '0', max: String(MAX_CAPACITY), step: '1', inputmode: 'numeric',
    'data-testid': 'agent-capacity', value: String(a.capacity),
  });
  const sk = h('input', {
    type: 'text', id: uid('ag-skills'), 'data-testid': 'agent-skills', autocomplete: 'off', spellcheck: 'false',
    value: skills.join(', '), placeholder: t('routing.agent.skillsPlaceholder'),
  });
  const hint = h('p', { class: 'hint', id: uid('hint') }, t('routing.agent.skillsHint'));
  sk.setAttribute('aria-describedby', hint.id);
  const capHint = h('p', { class: 'hint', id: uid('hint') }, t('routing.agent.capacityHint'));
  cap.setAttribute('aria-describedby', capHint.id);
  const suggest = SUGGESTED_SKILLS.map((s) => {
    const b = h('button', {
      type: 'button', class: 'btn small', 'data-testid': 'agent-skill-suggest', 'data-skill': s,
      'aria-label': t('routing.agent.addSkill', { skill: s, name }),
    }, `+ ${s}`);
    b.addEventListener('click', () => {
      const list = parseSkills(sk.value);
      if (!list.includes(s)) list.push(s);
      sk.value = list.join(', ');
      sk.focus();
    });
    return b;
  });
  const box = messageBox();
  box.setAttribute('data-testid', 'agent-routing-result');
  const save = h('button', { type: 'submit', class: 'btn small primary', 'data-testid': 'agent-routing-save',
    'aria-label': t('routing.agent.saveFor', { name }) }, t('routing.agent.save'));
  const load = h('span', { class: 'agent-load', 'data-testid': 'agent-load' });
  const pres = h('span', { class: 'agent-presence', 'data-testid': 'agent-presence' });

  function show(x) {
    const l = Number(x.load) || 0;
    load.textContent = t('routing.agent.load', { load: l, capacity: Number(x.capacity) || 0 });
    load.title = t('routing.agent.loadTitle');
    pres.replaceChildren(presenceDot(x.presence), ' ', presenceLabel(x.presence));
    pres.dataset.presence = x.presence || 'offline';
  }

  const form = h('form', { class: 'agent-routing', novalidate: true, 'data-testid': 'agent-routing', 'aria-label': t('routing.agent.title', { name }) },
    h('div', { class: 'agent-routing-now' }, pres, load),
    h('div', { class: 'agent-routing-fields' },
      h('div', { class: 'field cap-field' }, h('label', { for: cap.id }, t('routing.agent.capacity')), cap, capHint),
      h('div', { class: 'field grow' }, h('label', { for: sk.id }, t('routing.agent.skills')), sk, hint,
        h('div', { class: 'btn-row skill-suggest' }, suggest)),
      h('div', { class: 'btn-row' }, save)),
    box);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    box.set('');
    const n = Number(cap.value);
    // The range is the server's to check; its message is shown as it is.
    if (cap.value.trim() === '' || !Number.isInteger(n)) {
      box.set(t('routing.agent.badCapacity', { max: MAX_CAPACITY }));
      cap.focus();
      return;
    }
    save.disabled = true;
    try {
      const d = await api('PATCH', apiPath('agents', a.id), { capacity: n, skills: parseSkills(sk.value) });
      const saved = (d && (d.agent || d)) || {};
      const next = { ...a, ...saved };
      Object.assign(a, next);
      cap.value = String(next.capacity ?? n);
      sk.value = (Array.isArray(next.skills) ? next.skills : parseSkills(sk.value)).join(', ');
      show(next);
      box.set(t('routing.agent.saved', { name }), 'ok');
      if (onSaved) onSaved(next);
    } catch (err) {
      box.set(errorText(err));
    } finally {
      save.disabled = false;
    }
  });
  show(a);
  // The presence follows the agent's agent.presence events while the row
  // is on the page. Rows are attached in the task that draws them, so an
  // event finding this one detached means it was redrawn or left.
  const off = on('ws:event', (ev) => {
    if (!form.isConnected) { off(); return; }
    if (!ev || ev.type !== 'agent.presence' || !ev.payload || ev.payload.agent_id !== a.id) return;
    a.presence = ev.payload.status;
    show(a);
  });
  return form;
}
