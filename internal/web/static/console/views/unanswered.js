// Unanswered questions: what users asked the bot that no article answered
// (write one) or whose answer they marked not solved (improve the article,
// linked), grouped by meaning, so supervisors can write or mend articles.
import { h } from '../dom.js';
import { t, getLang, fmtDateTime } from '../i18n.js';
import { api, errorText, qs } from '../api.js';
import { messageBox, pageHeading, select, field } from './common.js';
import { canEditKB, writeArticle, localeLabel, articleHash, KB_LOCALES } from './kb.js';

const DAYS = [7, 30, 90];
// The period outlives one page view (a language switch rebuilds the page).
const chosen = { days: 30 };

export function mountUnanswered(container) {
  let destroyed = false;
  let seq = 0;
  const heading = pageHeading(t('unanswered.title'));
  if (!canEditKB()) {
    container.replaceChildren(h('div', { class: 'page' }, heading,
      h('p', { class: 'msgbox msgbox-info', role: 'status' }, t('unanswered.onlyEditors'))));
    heading.focus();
    return { key: 'unanswered', destroy() {} };
  }

  const days = select(DAYS.map((d) => [String(d), t('unanswered.days', { n: d })]), String(chosen.days),
    { 'data-testid': 'unanswered-days' });
  const box = messageBox();
  box.setAttribute('data-testid', 'unanswered-error');
  const summary = h('p', { class: 'hint', role: 'status', 'data-testid': 'unanswered-summary' });
  const list = h('ul', { class: 'ua-list', 'data-testid': 'unanswered-list', 'aria-busy': 'true' });
  container.replaceChildren(h('div', { class: 'page ua-page' },
    heading,
    h('p', { class: 'lead' }, t('unanswered.lead')),
    h('div', { class: 'ua-filters' }, field(t('unanswered.period'), days)),
    box, summary, list));

  days.addEventListener('change', () => {
    chosen.days = Number(days.value) || 30;
    load();
  });

  function group(g) {
    const questions = Array.isArray(g.questions) ? g.questions.filter((q) => typeof q === 'string' && q) : [];
    const locale = KB_LOCALES.includes(g.locale) ? g.locale : '';
    const label = String(g.label || questions[0] || '');
    const n = Number(g.count) || 0;
    const notHelpful = g.kind === 'not_helpful';
    const arts = notHelpful && Array.isArray(g.articles) ? g.articles.filter((a) => a && typeof a.id === 'string' && a.id) : [];
    const write = h('button', {
      type: 'button', class: 'btn primary small', 'data-testid': 'unanswered-write',
      'aria-label': t('unanswered.writeLabel', { label }),
    }, t('unanswered.write'));
    write.addEventListener('click', () => writeArticle({
      locale: locale || getLang(), title: label, questions: questions.slice(), status: 'draft',
    }));
    return h('li', { class: 'card ua-group', 'data-testid': 'unanswered-group', 'data-id': g.id || '' },
      h('div', { class: 'ua-head' },
        h('p', { class: 'ua-count', 'data-testid': 'unanswered-count', 'data-count': String(n) },
          h('strong', {}, String(n)), h('span', {}, t(n === 1 ? 'unanswered.askedOne' : 'unanswered.asked'))),
        h('div', { class: 'ua-main' },
          h('h2', { class: 'ua-label', lang: locale || null }, label),
          h('p', { class: 'ua-meta' },
            h('span', { class: `badge ua-kind ua-kind-${notHelpful ? 'not-helpful' : 'no-article'}`, 'data-testid': 'unanswered-kind',
              'data-kind': notHelpful ? 'not_helpful' : 'no_article' }, t(notHelpful ? 'unanswered.kindNotHelpful' : 'unanswered.kindNoArticle')), ' ',
            locale ? h('span', { class: 'badge kb-locale' }, localeLabel(locale)) : null, locale ? ' ' : null,
            g.last_seen ? h('span', {}, t('unanswered.lastSeen', { when: fmtDateTime(g.last_seen) })) : null),
          arts.length ? h('p', { class: 'ua-articles', 'data-testid': 'unanswered-articles' },
            t(arts.length === 1 ? 'unanswered.didNotHelpOne' : 'unanswered.didNotHelp'), ' ',
            arts.map((a, i) => [i ? ', ' : null, h('a', {
              href: articleHash(a.locale || locale || getLang(), a.id), 'data-testid': 'unanswered-article', 'data-article': a.id,
            }, String(a.title || a.id))])) : null),
        h('div', { class: 'ua-actions' }, write)),
      questions.length ? h('details', { class: 'ua-samples', 'data-testid': 'unanswered-samples' },
        h('summary', {}, t('unanswered.samples', { n: questions.length })),
        h('ul', { lang: locale || null }, questions.map((q) => h('li', {}, q)))) : null);
  }

  function render(groups) {
    const sorted = [...groups].sort((a, b) => (Number(b.count) || 0) - (Number(a.count) || 0));
    list.replaceChildren(...sorted.map(group));
    summary.textContent = sorted.length
      ? t(sorted.length === 1 ? 'unanswered.summaryOne' : 'unanswered.summary', { n: sorted.length, days: chosen.days }) : '';
    if (!sorted.length) {
      list.append(h('li', { class: 'card ua-empty', 'data-testid': 'unanswered-empty' }, t('unanswered.none', { days: chosen.days })));
    }
  }

  async function load() {
    const mine = ++seq;
    list.setAttribute('aria-busy', 'true');
    box.set('');
    try {
      const d = await api('GET', `/api/v1/bot/unanswered${qs({ days: chosen.days })}`);
      if (destroyed || mine !== seq) return;
      render(Array.isArray(d && d.groups) ? d.groups : []);
    } catch (err) {
      if (destroyed || mine !== seq) return;
      list.replaceChildren();
      summary.textContent = '';
      // A server without the bot answers 404.
      if (err.status === 404) box.set(t('unanswered.unavailable'), 'info');
      else box.set(errorText(err));
    }
    list.removeAttribute('aria-busy');
  }

  load();
  heading.focus();
  return { key: 'unanswered', destroy() { destroyed = true; } };
}
