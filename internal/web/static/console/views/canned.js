// Canned replies: list, create, edit, delete.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';
import { state, loadCanned } from '../state.js';
import { messageBox, pageHeading } from './common.js';

export function mountCanned(container) {
  let destroyed = false;
  let editing = null; // the reply being edited, or null for a new one

  const heading = pageHeading(t('canned.title'));
  const box = messageBox();
  const shortcut = h('input', { type: 'text', id: uid('cr-short'), 'data-testid': 'canned-shortcut', autocomplete: 'off', spellcheck: 'false', maxlength: '50' });
  const title = h('input', { type: 'text', id: uid('cr-title'), 'data-testid': 'canned-title-input', autocomplete: 'off', maxlength: '200' });
  const body = h('textarea', { id: uid('cr-body'), 'data-testid': 'canned-body', rows: '5', maxlength: '10000' });
  const formTitle = h('h2', { tabindex: '-1' }, t('canned.new'));
  const saveBtn = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'canned-save' }, t('canned.create'));
  const cancelBtn = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => startEdit(null) }, t('common.cancel'));
  const shortHint = h('p', { class: 'hint', id: uid('hint') }, t('canned.shortcutHint'));
  const bodyHint = h('p', { class: 'hint', id: uid('hint') }, t('canned.bodyHint'));
  shortcut.setAttribute('aria-describedby', shortHint.id);
  body.setAttribute('aria-describedby', bodyHint.id);

  const form = h('form', { class: 'card canned-form', novalidate: true, 'aria-labelledby': formTitle.id = uid('cr-form') },
    formTitle,
    h('div', { class: 'field' }, h('label', { for: shortcut.id }, t('canned.shortcut')),
      h('div', { class: 'prefixed' }, h('span', { 'aria-hidden': 'true' }, '/'), shortcut), shortHint),
    h('div', { class: 'field' }, h('label', { for: title.id }, t('canned.titleField')), title),
    h('div', { class: 'field' }, h('label', { for: body.id }, t('canned.body')), body, bodyHint),
    box,
    h('div', { class: 'btn-row' }, saveBtn, cancelBtn));

  const list = h('ul', { class: 'canned-list', 'data-testid': 'canned-list', 'aria-live': 'polite' });
  const page = h('div', { class: 'page' },
    heading,
    h('p', { class: 'lead' }, t('canned.lead')),
    h('div', { class: 'page-grid' }, form, h('section', { class: 'card', 'aria-label': t('canned.listLabel') }, list)));
  container.replaceChildren(page);

  function startEdit(item) {
    editing = item;
    box.set('');
    shortcut.value = item ? item.shortcut || '' : '';
    title.value = item ? item.title || '' : '';
    body.value = item ? item.body || '' : '';
    formTitle.textContent = item ? t('canned.edit', { shortcut: item.shortcut }) : t('canned.new');
    saveBtn.textContent = item ? t('common.save') : t('canned.create');
    cancelBtn.hidden = !item;
    if (item) shortcut.focus();
  }

  function render() {
    const items = [...(state.canned || [])].sort((a, b) => String(a.shortcut).localeCompare(String(b.shortcut)));
    list.replaceChildren(...items.map((c) => {
      const actions = h('div', { class: 'btn-row' });
      const editBtn = h('button', {
        type: 'button', class: 'btn small', 'data-testid': 'canned-edit', 'aria-label': t('canned.editLabel', { shortcut: c.shortcut }),
        onclick: () => startEdit(c),
      }, t('common.edit'));
      const delBtn = h('button', {
        type: 'button', class: 'btn small danger', 'data-testid': 'canned-delete', 'aria-label': t('canned.deleteLabel', { shortcut: c.shortcut }),
      }, t('common.delete'));
      delBtn.addEventListener('click', () => {
        // Ask in place (no window.confirm: it blocks and is easy to dismiss by accident).
        const yes = h('button', { type: 'button', class: 'btn small danger', 'data-testid': 'canned-delete-confirm' }, t('canned.confirmDelete'));
        const no = h('button', { type: 'button', class: 'btn small' }, t('common.cancel'));
        yes.addEventListener('click', () => remove(c));
        no.addEventListener('click', () => { actions.replaceChildren(editBtn, delBtn); delBtn.focus(); });
        actions.replaceChildren(h('span', { class: 'confirm-q' }, t('canned.deleteQ')), yes, no);
        no.focus();
      });
      actions.append(editBtn, delBtn);
      return h('li', { class: 'canned-item', 'data-testid': 'canned-item', 'data-id': c.id },
        h('div', { class: 'canned-head' },
          h('code', { class: 'canned-short' }, `/${c.shortcut}`),
          c.title ? h('span', { class: 'canned-title' }, c.title) : null),
        h('div', { class: 'canned-body pre' }, c.body),
        actions);
    }));
    if (!items.length) list.append(h('li', { class: 'muted' }, t('canned.none')));
  }

  async function refresh() {
    try {
      await loadCanned(true);
    } catch (err) {
      if (!destroyed) box.set(errorText(err));
    }
    if (!destroyed) render();
  }

  async function remove(c) {
    try {
      await api('DELETE', apiPath('canned_replies', c.id));
      if (editing && editing.id === c.id) startEdit(null);
      await refresh();
      heading.focus();
    } catch (err) {
      box.set(errorText(err));
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    box.set('');
    const data = { shortcut: shortcut.value.trim().replace(/^\//, ''), title: title.value.trim(), body: body.value };
    if (!data.shortcut || /\s/.test(data.shortcut)) { box.set(t('canned.badShortcut')); shortcut.focus(); return; }
    if (!data.body.trim()) { box.set(t('canned.needBody')); body.focus(); return; }
    saveBtn.disabled = true;
    try {
      if (editing) await api('PATCH', apiPath('canned_replies', editing.id), data);
      else await api('POST', '/api/v1/canned_replies', data);
      const was = editing;
      startEdit(null);
      box.set(was ? t('canned.saved') : t('canned.created'), 'ok');
      await refresh();
      shortcut.focus();
    } catch (err) {
      box.set(errorText(err));
    } finally {
      saveBtn.disabled = false;
    }
  });

  if (state.canned) render();
  else list.append(h('li', { class: 'muted' }, t('common.loading')));
  refresh();
  heading.focus();
  return { key: 'canned', destroy() { destroyed = true; } };
}
