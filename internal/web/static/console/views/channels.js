// Admin → Official channels: the list shown on the public /verify page so
// users can tell real support from impersonators.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { messageBox } from './common.js';

export function channelsTab(body, ctx) {
  const box = messageBox();
  const list = h('ol', { class: 'admin-list channel-list', 'data-testid': 'channel-list' });
  let rows = [];
  const add = h('button', { type: 'button', class: 'btn', 'data-testid': 'channel-add' }, t('admin.channels.add'));
  const save = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'channel-save' }, t('common.save'));
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('admin.channels.title')),
    h('p', { class: 'hint' }, t('admin.channels.hint'), ' ',
      h('a', { href: '/verify', target: '_blank', rel: 'noopener noreferrer' }, '/verify')),
    list, box, h('div', { class: 'btn-row' }, add, save));
  body.replaceChildren(form);

  function row(c) {
    const label = h('input', { type: 'text', id: uid('ch-label'), maxlength: '100', value: c.label || '', 'data-testid': 'channel-label' });
    const url = h('input', { type: 'url', id: uid('ch-url'), maxlength: '500', value: c.url || '', placeholder: 'https://', 'data-testid': 'channel-url' });
    const r = { label, url };
    const remove = h('button', {
      type: 'button', class: 'btn', 'data-testid': 'channel-remove',
      onclick: () => { rows = rows.filter((x) => x !== r); render(); },
    }, t('common.remove'));
    r.el = h('li', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: label.id }, t('admin.channels.label')), label),
      h('div', { class: 'field' }, h('label', { for: url.id }, t('admin.channels.url')), url),
      h('div', { class: 'btn-row' }, remove));
    return r;
  }
  function render() {
    list.replaceChildren(...rows.map((r) => r.el));
    if (!rows.length) list.append(h('li', { class: 'muted' }, t('admin.channels.none')));
    add.disabled = rows.length >= 20;
  }
  add.addEventListener('click', () => { const r = row({}); rows.push(r); render(); r.label.focus(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const channels = rows.map((r) => ({ label: r.label.value.trim(), url: r.url.value.trim() }))
      .filter((c) => c.label || c.url);
    for (const c of channels) {
      if (!c.label || !/^https:\/\/[^\s]+$/i.test(c.url)) { box.set(t('admin.channels.invalid')); return; }
    }
    save.disabled = true;
    try {
      const d = await api('PUT', '/api/v1/official-channels', { channels });
      if (ctx.isDestroyed()) return;
      rows = (d.channels || []).map(row);
      render();
      box.set(t('admin.channels.saved'), 'ok');
    } catch (err) {
      if (!ctx.isDestroyed()) box.set(errorText(err));
    } finally {
      save.disabled = false;
    }
  });
  (async () => {
    try {
      const d = await api('GET', '/api/v1/public/official-channels');
      if (ctx.isDestroyed()) return;
      rows = (d.channels || []).map(row);
      render();
    } catch (err) {
      if (!ctx.isDestroyed()) box.set(errorText(err));
    }
  })();
}
