// The visitor's context in the conversation's side panel: the page,
// referrer, app version, browser, device, language and time zone that the
// widget or the wallet app passed (GET /api/v1/conversations/{id}/visitor).
// Every value is shown as text; an address is a link only when it is http
// or https, and opens without telling the site where it came from.
import { h } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';

const FIELDS = ['page_url', 'referrer', 'app_version', 'browser', 'device', 'language', 'time_zone'];

export function visitorList() {
  return h('dl', { class: 'kv', 'data-testid': 'visitor-panel' });
}

function webLink(u) {
  try {
    const x = new URL(u);
    if (x.protocol === 'http:' || x.protocol === 'https:') {
      return h('a', { href: x.href, target: '_blank', rel: 'noopener noreferrer nofollow', class: 'visitor-url' }, u);
    }
  } catch { /* not an address: shown as text */ }
  return u;
}

// localTime is the visitor's clock now, so an agent sees it is 3 a.m. there.
function localTime(tz) {
  try {
    return new Intl.DateTimeFormat(getLang(), { timeZone: tz, hour: '2-digit', minute: '2-digit' }).format(new Date());
  } catch {
    return '';
  }
}

export async function loadVisitor(v) {
  const dl = v.side.visitorDl;
  try {
    const d = await api('GET', `${apiPath('conversations', v.id)}/visitor`);
    if (v.destroyed) return;
    const ctx = (d && d.context) || {};
    const rows = [];
    for (const k of FIELDS) {
      if (!ctx[k]) continue;
      let value = String(ctx[k]);
      if (k === 'page_url' || k === 'referrer') value = webLink(value);
      else if (k === 'time_zone') {
        const lt = localTime(value);
        if (lt) value = `${value} (${t('visitor.localTime', { time: lt })})`;
      }
      rows.push(h('dt', {}, t(`visitor.${k}`)), h('dd', { 'data-field': k }, value));
    }
    if (!rows.length) rows.push(h('dd', { class: 'muted' }, t('side.noVisitor')));
    dl.replaceChildren(...rows);
  } catch (err) {
    if (!v.destroyed) dl.replaceChildren(h('dd', { class: 'muted' }, errorText(err)));
  }
}
