// Admin → API tokens: every agent's tokens (never their secrets, which are
// shown once by 'huiying token create'), with a Revoke button asked in
// place. The server enforces who may see and revoke what.
import { h, uid } from '../dom.js';
import { t, fmtDateTime } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';
import { messageBox } from './common.js';

export function tokensTab(body, ctx) {
  const box = messageBox();
  const list = h('ul', { class: 'admin-list token-list', 'data-testid': 'token-list' });
  const titleId = uid('tk-title');
  body.replaceChildren(h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, t('admin.tokens.title')),
    h('p', { class: 'hint' }, t('admin.tokens.hint'), ' ', h('code', {}, 'huiying token create --agent EMAIL')),
    box, list));

  function state(tk) {
    if (tk.revoked) return ['revoked', 'status-closed'];
    if (tk.expires_at && new Date(tk.expires_at) <= new Date()) return ['expired', 'status-pending'];
    return ['active', 'status-open'];
  }

  function row(tk) {
    const [st, cls] = state(tk);
    const who = tk.agent_name || tk.agent_email || tk.agent_id;
    const actions = h('div', { class: 'admin-item-actions' });
    const revoke = h('button', {
      type: 'button', class: 'btn small danger', 'data-testid': 'token-revoke',
      'aria-label': t('admin.tokens.revokeLabel', { name: tk.name, agent: who }),
    }, t('admin.tokens.revoke'));
    revoke.addEventListener('click', () => {
      // Asked in place: a blocking confirm() is easy to dismiss by accident.
      const yes = h('button', { type: 'button', class: 'btn small danger', 'data-testid': 'token-revoke-confirm' }, t('admin.tokens.confirmRevoke'));
      const no = h('button', { type: 'button', class: 'btn small' }, t('common.cancel'));
      yes.addEventListener('click', () => doRevoke(tk, yes));
      no.addEventListener('click', () => { actions.replaceChildren(revoke); revoke.focus(); });
      actions.replaceChildren(h('span', { class: 'confirm-q' }, t('admin.tokens.revokeQ')), yes, no);
      no.focus();
    });
    if (!tk.revoked) actions.append(revoke);
    return h('li', { class: `admin-item${tk.revoked ? ' inactive' : ''}`, 'data-testid': 'token-row', 'data-token-id': tk.id },
      h('div', { class: 'admin-item-main' },
        h('span', { class: 'admin-item-name' }, tk.name || tk.id),
        h('span', { class: 'admin-item-sub' }, tk.agent_email ? `${who} · ${tk.agent_email}` : who),
        h('span', { class: `badge ${cls}`, 'data-testid': 'token-state', 'data-state': st }, t(`admin.tokens.state.${st}`)),
        h('span', { class: 'admin-item-sub token-meta' },
          t('admin.tokens.scope', { scope: tk.scope }), ' · ',
          t('admin.tokens.created', { at: fmtDateTime(tk.created_at) }), ' · ',
          tk.expires_at ? t('admin.tokens.expires', { at: fmtDateTime(tk.expires_at) }) : t('admin.tokens.noExpiry'))),
      actions);
  }

  function render(tokens) {
    list.replaceChildren(...tokens.map(row));
    if (!tokens.length) list.append(h('li', { class: 'muted' }, t('admin.tokens.none')));
  }

  async function doRevoke(tk, btn) {
    btn.disabled = true;
    box.set('');
    try {
      await api('DELETE', apiPath('tokens', tk.id));
      if (ctx.isDestroyed()) return;
      box.set(t('admin.tokens.revoked', { name: tk.name || tk.id }), 'ok');
      await load();
    } catch (err) {
      if (!ctx.isDestroyed()) box.set(errorText(err));
      btn.disabled = false;
    }
  }

  async function load() {
    try {
      const d = await api('GET', '/api/v1/tokens');
      if (!ctx.isDestroyed()) render(d.tokens || []);
    } catch (err) {
      if (!ctx.isDestroyed()) box.set(errorText(err));
    }
  }
  load();
}
