// The open conversation's data shared by the parts of its view: who the
// contact is, and how a change is sent to the server and shown.
//
// The parts of the view (conversation-head, -thread, -composer, -side)
// share one plain object v, built by mountConversation: the conversation
// (v.conv), its contact (v.contact), whether the view is still shown
// (v.destroyed) and each part's elements and state (v.head, v.thread,
// v.composer, v.side).
import { t } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';
import { emit, agentById } from '../state.js';
import { mergeConv } from './common.js';

export function contactName(v) {
  return (v.contact && v.contact.name) || (v.conv && v.conv.contact_name) || t('visitor');
}

export function agentLabel(aid) {
  const a = agentById(aid);
  return a ? (a.name || a.email) : aid;
}

// patchConv changes the conversation; resolves true on success.
export async function patchConv(v, body) {
  const { errBox, actions } = v.head;
  errBox.set('');
  actions.setAttribute('aria-busy', 'true');
  try {
    const c = await api('PATCH', apiPath('conversations', v.id), body);
    if (v.destroyed) return true;
    applyConv(v, c, true);
    return true;
  } catch (err) {
    if (!v.destroyed) errBox.set(errorText(err));
    return false;
  } finally {
    actions.removeAttribute('aria-busy');
  }
}

// applyConv shows a new version of the conversation; local says it was
// changed here, so the rest of the console hears of it at once.
export function applyConv(v, c, local) {
  if (!c || c.id !== v.id) return;
  v.conv = mergeConv(v.conv, c);
  v.refresh();
  if (local) emit('conv:local', v.conv);
}
