// Your profile: the display name visitors see beside your replies, and an
// avatar image (uploaded to this server; the console loads no third-party
// image, so there is no image-address option).
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, get, errorText } from '../api.js';
import { state, emit } from '../state.js';
import { messageBox, pageHeading } from './common.js';

export const MAX_AVATAR_BYTES = 256 * 1024;
const AVATAR_TYPES = 'image/png,image/jpeg,image/gif,image/webp';

// initials are the first letters of the first two words ("Mei Lin" → "ML").
export function initials(name) {
  const words = String(name || '').trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '?';
  const first = Array.from(words[0])[0];
  const second = words.length > 1 ? Array.from(words[1])[0] : '';
  return (first + second).toUpperCase();
}

// avatarEl shows the agent's avatar, or their initials without one.
export function avatarEl(agent, size = 40) {
  const name = (agent && (agent.name || agent.email)) || '';
  const style = { width: `${size}px`, height: `${size}px` };
  if (agent && agent.avatar_url) {
    return h('img', { class: 'avatar', src: agent.avatar_url, alt: '', width: String(size), height: String(size), style, 'data-testid': 'avatar-img' });
  }
  return h('span', { class: 'avatar avatar-initials', 'aria-hidden': 'true', style, 'data-testid': 'avatar-initials' }, initials(name));
}

// setMe keeps the changed agent everywhere the console shows it.
function setMe(a) {
  state.me = { ...state.me, name: a.name, avatar_url: a.avatar_url || '' };
  const i = state.agents.findIndex((x) => x.id === a.id);
  if (i >= 0) state.agents[i] = { ...state.agents[i], name: a.name, avatar_url: a.avatar_url || '' };
  emit('me');
  emit('refs');
}

export function mountProfile(container) {
  let destroyed = false;
  const heading = pageHeading(t('profile.title'));

  const name = h('input', { type: 'text', id: uid('pf-name'), 'data-testid': 'profile-name', autocomplete: 'name', maxlength: '200', required: true });
  const nameBox = messageBox();
  nameBox.setAttribute('data-testid', 'profile-name-result');
  const nameSave = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'profile-name-save' }, t('common.save'));
  const nameHint = h('p', { class: 'hint', id: uid('hint') }, t('profile.nameHint'));
  name.setAttribute('aria-describedby', nameHint.id);
  const nameForm = h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('profile.nameTitle')),
    h('div', { class: 'field' }, h('label', { for: name.id }, t('profile.name')), name, nameHint),
    nameBox,
    h('div', { class: 'btn-row' }, nameSave));

  const preview = h('div', { class: 'avatar-preview', 'data-testid': 'profile-avatar' });
  const file = h('input', { type: 'file', id: uid('pf-avatar'), accept: AVATAR_TYPES, 'data-testid': 'profile-avatar-file' });
  const avatarBox = messageBox();
  avatarBox.setAttribute('data-testid', 'profile-avatar-result');
  const remove = h('button', { type: 'button', class: 'btn', 'data-testid': 'profile-avatar-remove' }, t('profile.avatarRemove'));
  const avatarHint = h('p', { class: 'hint', id: uid('hint') }, t('profile.avatarHint'));
  file.setAttribute('aria-describedby', avatarHint.id);
  const avatarTitle = h('h2', { id: uid('pf-av') }, t('profile.avatarTitle'));
  const avatarCard = h('section', { class: 'card', 'aria-labelledby': avatarTitle.id },
    avatarTitle,
    h('div', { class: 'avatar-row' }, preview,
      h('div', { class: 'field' }, h('label', { for: file.id }, t('profile.avatarUpload')), file, avatarHint)),
    avatarBox,
    h('div', { class: 'btn-row' }, remove));

  const render = (a) => {
    preview.replaceChildren(avatarEl(a, 72));
    remove.hidden = !a.avatar_url;
  };

  container.replaceChildren(h('div', { class: 'page page-narrow' }, heading,
    h('p', { class: 'lead' }, t('profile.lead', { email: state.me.email })), nameForm, avatarCard));
  name.value = state.me.name || '';
  render(state.me);
  get('/api/v1/me').then((a) => {
    if (destroyed || !a) return;
    if (document.activeElement !== name) name.value = a.name || '';
    render(a);
  }).catch(() => {});

  nameForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    nameBox.set('');
    const v = name.value.trim();
    if (!v) {
      nameBox.set(t('profile.nameRequired'));
      name.focus();
      return;
    }
    nameSave.disabled = true;
    try {
      const a = await api('PATCH', '/api/v1/me', { name: v });
      if (destroyed) return;
      name.value = a.name;
      setMe(a);
      nameBox.set(t('profile.saved'), 'ok');
    } catch (err) {
      if (!destroyed) nameBox.set(errorText(err));
    } finally {
      nameSave.disabled = false;
    }
  });

  file.addEventListener('change', async () => {
    avatarBox.set('');
    const f = file.files && file.files[0];
    if (!f) return;
    if (f.size > MAX_AVATAR_BYTES) {
      avatarBox.set(t('profile.avatarTooLarge', { max: MAX_AVATAR_BYTES / 1024 }));
      file.value = '';
      return;
    }
    const form = new FormData();
    form.append('file', f);
    try {
      const a = await api('PUT', '/api/v1/me/avatar', undefined, { form });
      if (destroyed) return;
      setMe(a);
      render(a);
      avatarBox.set(t('profile.avatarSaved'), 'ok');
    } catch (err) {
      if (!destroyed) avatarBox.set(errorText(err));
    } finally {
      file.value = '';
    }
  });

  remove.addEventListener('click', async () => {
    avatarBox.set('');
    try {
      const a = await api('DELETE', '/api/v1/me/avatar');
      if (destroyed) return;
      setMe(a);
      render(a);
      avatarBox.set(t('profile.avatarRemoved'), 'ok');
      file.focus();
    } catch (err) {
      if (!destroyed) avatarBox.set(errorText(err));
    }
  });

  heading.focus();
  return { key: 'profile', destroy() { destroyed = true; } };
}
