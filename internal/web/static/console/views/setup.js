// The first-run checklist an admin sees above every page until each step
// is done or the checklist is dismissed. The server reads the steps from
// the desk's real state (GET /api/v1/setup); copying the widget snippet
// leaves no trace there, so the inbox page reports it (markSnippetCopied).
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { emit, on } from '../state.js';

// Where each step is done in the console.
const STEP_LINKS = {
  two_factor: '',
  official_channels: '#/admin/channels',
  widget_snippet: '#/admin/inboxes',
  invite_agents: '#/admin/agents',
};

// markSnippetCopied records that an admin copied a widget snippet.
export async function markSnippetCopied() {
  try {
    await api('PATCH', '/api/v1/setup', { snippet_copied: true });
    emit('setup');
  } catch {
    // The checklist then still shows the step; nothing else depends on it.
  }
}

export function mountSetupChecklist() {
  const titleId = uid('setup-title');
  const el = h('section', { class: 'setup', 'data-testid': 'setup-checklist', 'aria-labelledby': titleId, hidden: true });
  const note = h('span', { class: 'hint', role: 'status' });
  let seq = 0;
  let started = false;
  let shown = '';

  async function refresh() {
    if (!el.isConnected && started) { // the shell was replaced (signed out)
      offs.forEach((off) => off());
      return;
    }
    started = true;
    const mine = ++seq;
    try {
      const d = await api('GET', '/api/v1/setup');
      if (mine === seq) render(d);
    } catch {
      if (mine === seq) el.hidden = true;
    }
  }

  function render(d) {
    // Unchanged state keeps the same nodes, so focus and a pending click stay.
    const key = JSON.stringify(d || null);
    if (key === shown) return;
    shown = key;
    if (!d || d.done || d.dismissed) {
      el.hidden = true;
      el.replaceChildren();
      return;
    }
    const steps = d.steps || [];
    const done = steps.filter((s) => s.done).length;
    const dismiss = h('button', { type: 'button', class: 'btn small subtle', 'data-testid': 'setup-dismiss' }, t('setup.dismiss'));
    dismiss.addEventListener('click', async () => {
      dismiss.disabled = true;
      try {
        render(await api('PATCH', '/api/v1/setup', { dismissed: true }));
      } catch (err) {
        note.textContent = errorText(err);
        dismiss.disabled = false;
      }
    });
    el.replaceChildren(
      h('h2', { id: titleId, class: 'setup-title' }, t('setup.title'), ' ',
        h('span', { class: 'setup-count', 'data-testid': 'setup-count' }, t('setup.count', { n: done, total: steps.length }))),
      h('ol', { class: 'setup-steps' }, steps.map((s) => {
        const label = t(`setup.step.${s.id}`);
        const link = STEP_LINKS[s.id];
        return h('li', { class: s.done ? 'done' : '', 'data-testid': 'setup-step', 'data-step': s.id, 'data-done': String(Boolean(s.done)) },
          h('span', { class: 'setup-mark', 'aria-hidden': 'true' }, s.done ? '✓' : '○'), ' ',
          link && !s.done ? h('a', { href: link }, label) : label,
          h('span', { class: 'sr-only' }, s.done ? t('setup.done') : t('setup.todo')));
      })),
      dismiss, note);
    el.hidden = false;
  }

  const offs = [on('setup', refresh), on('refs', refresh)]; // refs: an agent or an inbox was added
  refresh();
  return { el, refresh };
}
