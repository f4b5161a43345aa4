// Knowledge base: the articles the bot answers from and the help center
// shows. Every agent can read them; supervisors and admins write, edit and
// delete (the server enforces the role as well).
import { h, uid, focusEl } from '../dom.js';
import { t, getLang, fmtDateTime } from '../i18n.js';
import { api, apiPath, errorText, qs } from '../api.js';
import { state } from '../state.js';
import { messageBox, pageHeading, select, field } from './common.js';
import { renderMarkdown } from '../../chat/markdown.js';

// The server's lists (internal/kb/article.go).
export const KB_LOCALES = ['en', 'zh-CN'];
export const KB_CATEGORIES = [
  'getting-started', 'security', 'transfers', 'fees', 'cross-chain',
  'tokens', 'dapps', 'swaps', 'stolen-funds', 'contact',
];
const KB_STATUSES = ['published', 'draft'];
// Ids end up in file names when the knowledge base is exported.
const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,99}$/;

export function canEditKB() {
  return Boolean(state.me && (state.me.role === 'supervisor' || state.me.role === 'admin'));
}

// The filters outlive one page view (a language switch rebuilds the page),
// and so does a new article started from another page until it is shown.
const filters = { locale: '', category: '', status: '', text: '' };
let pendingNew = null;

// writeArticle opens the editor for a new article filled with prefill
// ({locale, title, questions, status, category, body}).
export function writeArticle(prefill) {
  pendingNew = prefill || {};
  location.hash = '#/kb/new';
}

export function articleHash(locale, id) {
  return `#/kb/${encodeURIComponent(locale)}/${encodeURIComponent(id)}`;
}

export const localeLabel = (l) => t(`kb.locale.${l}`);
const categoryLabel = (c) => (KB_CATEGORIES.includes(c) ? t(`kb.cat.${c}`) : c);

function splitLines(text) {
  return String(text || '').split('\n').map((l) => l.trim()).filter(Boolean);
}

// slug suggests an id from an English title ("Lost my phone" → lost-my-phone).
function slug(title) {
  return String(title || '').toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

// ---- Markdown ----------------------------------------------------------------

// The knowledge base's Markdown is read by one renderer: the help center's
// subset, the same module that shows bot messages in the chat and the
// console (chat/markdown.js; the help center renders it in Go).
const renderBody = (src) => renderMarkdown(src, { target: '_blank' });

// ---- the page --------------------------------------------------------------

export function mountKB(container) {
  let destroyed = false;
  const editor = canEditKB();
  let articles = [];
  let current = null; // {locale, id} or {isNew: true}; null shows the list alone
  let listSeq = 0;
  let paneSeq = 0;
  let flash = null; // [text, kind] for the next pane

  const heading = pageHeading(t('kb.title'));
  const fLocale = select([['', t('kb.filter.anyLocale')], ...KB_LOCALES.map((l) => [l, localeLabel(l)])],
    filters.locale, { 'data-testid': 'kb-filter-locale' });
  const fCategory = select([['', t('kb.filter.anyCategory')], ...KB_CATEGORIES.map((c) => [c, categoryLabel(c)])],
    filters.category, { 'data-testid': 'kb-filter-category' });
  const fStatus = select([['', t('kb.filter.anyStatus')], ...KB_STATUSES.map((s) => [s, t(`kb.status.${s}`)])],
    filters.status, { 'data-testid': 'kb-filter-status' });
  const fText = h('input', { type: 'search', 'data-testid': 'kb-filter-text', autocomplete: 'off', value: filters.text });
  const filterForm = h('form', { class: 'kb-filters', role: 'search', novalidate: true, 'aria-label': t('kb.filter.label') },
    field(t('kb.filter.text'), fText), field(t('kb.field.locale'), fLocale),
    field(t('kb.field.category'), fCategory), field(t('kb.field.status'), fStatus));
  const listBox = messageBox();
  const count = h('p', { class: 'hint kb-count', 'data-testid': 'kb-count', role: 'status' });
  const list = h('ul', { class: 'kb-list', 'data-testid': 'kb-list', 'aria-busy': 'true' });
  const listTitle = h('h2', { id: uid('kb-list') }, t('kb.articles'));
  const listCard = h('section', { class: 'card kb-listcard', 'aria-labelledby': listTitle.id },
    h('div', { class: 'kb-listhead' }, listTitle,
      editor ? h('a', { class: 'btn primary small', href: '#/kb/new', 'data-testid': 'kb-new' }, t('kb.new')) : null),
    filterForm, listBox, count, list);
  const pane = h('section', { class: 'card kb-pane', 'data-testid': 'kb-pane', 'aria-label': t('kb.paneLabel') });
  const grid = h('div', { class: 'kb-grid' }, listCard, pane);
  container.replaceChildren(h('div', { class: 'page kb-page' },
    heading, h('p', { class: 'lead' }, t(editor ? 'kb.leadEditor' : 'kb.lead')), grid));

  const onFilter = () => {
    filters.locale = fLocale.value;
    filters.category = fCategory.value;
    filters.status = fStatus.value;
    loadList();
  };
  for (const s of [fLocale, fCategory, fStatus]) s.addEventListener('change', onFilter);
  fText.addEventListener('input', () => { filters.text = fText.value; renderList(); });
  filterForm.addEventListener('submit', (e) => e.preventDefault());

  async function loadList() {
    const seq = ++listSeq;
    list.setAttribute('aria-busy', 'true');
    listBox.set('');
    try {
      const d = await api('GET', `/api/v1/kb/articles${qs({ locale: filters.locale, category: filters.category, status: filters.status })}`);
      if (destroyed || seq !== listSeq) return;
      articles = (d && d.articles) || [];
    } catch (err) {
      if (destroyed || seq !== listSeq) return;
      articles = [];
      listBox.set(errorText(err));
    }
    renderList();
    list.removeAttribute('aria-busy');
  }

  function renderList() {
    const q = filters.text.trim().toLowerCase();
    const shown = !q ? articles : articles.filter((a) => [a.id, a.title, a.body, ...(a.questions || [])]
      .some((s) => String(s || '').toLowerCase().includes(q)));
    count.textContent = t('kb.count', { n: shown.length, total: articles.length });
    list.replaceChildren(...shown.map((a) => h('li', {
      class: 'kb-item', 'data-testid': 'kb-item', 'data-id': a.id, 'data-locale': a.locale, 'data-status': a.status,
    }, h('a', { class: 'kb-link', href: articleHash(a.locale, a.id) },
      h('span', { class: 'kb-item-title', lang: a.locale }, a.title || a.id),
      h('span', { class: 'kb-item-meta' },
        h('span', { class: 'badge kb-locale' }, localeLabel(a.locale)), ' ',
        h('span', {}, categoryLabel(a.category)),
        a.status === 'draft' ? [' ', h('span', { class: 'badge status-pending' }, t('kb.status.draft'))] : null)))));
    if (!shown.length) list.append(h('li', { class: 'muted', 'data-testid': 'kb-none' }, t(articles.length ? 'kb.noMatch' : 'kb.none')));
    markCurrent();
  }

  function markCurrent() {
    for (const li of list.querySelectorAll('.kb-item')) {
      const on = Boolean(current && !current.isNew && li.dataset.id === current.id && li.dataset.locale === current.locale);
      const a = li.firstChild;
      if (on) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    }
  }

  function setPane(...children) {
    const msg = messageBox();
    if (flash) msg.set(...flash);
    flash = null;
    msg.setAttribute('data-testid', 'kb-pane-msg');
    pane.replaceChildren(msg, ...children);
  }

  const backLink = () => h('a', { class: 'kb-back', href: '#/kb' }, t('kb.back'));

  function showNone(notice, focus) {
    setPane(h('p', { class: 'muted' }, notice || t(editor ? 'kb.pickOrNew' : 'kb.pick')));
    if (focus) focusEl(pane.firstChild.hidden ? listTitle : pane.firstChild);
  }

  async function showArticle(locale, id, focus) {
    const seq = ++paneSeq;
    // Not setPane: a message for the article (such as "saved") waits for it.
    pane.replaceChildren(backLink(), h('p', { class: 'muted' }, t('common.loading')));
    let a;
    try {
      a = await api('GET', apiPath('kb', 'articles', locale, id));
    } catch (err) {
      if (destroyed || seq !== paneSeq) return;
      setPane(backLink(), h('p', { class: 'msgbox msgbox-error', role: 'alert' },
        err.status === 404 ? t('kb.notFound', { id, locale }) : errorText(err)));
      return;
    }
    if (destroyed || seq !== paneSeq) return;
    if (editor) articleForm(a, null, focus);
    else articleView(a, focus);
  }

  function articleView(a, focus) {
    const title = h('h2', { tabindex: '-1', lang: a.locale, 'data-testid': 'kb-view-title' }, a.title);
    setPane(backLink(), title,
      h('p', { class: 'kb-meta' }, h('span', { class: 'badge kb-locale' }, localeLabel(a.locale)), ' ',
        categoryLabel(a.category), ' · ', t(`kb.status.${a.status}`), ' · ', h('code', {}, a.id)),
      h('div', { class: 'kb-md', lang: a.locale, 'data-testid': 'kb-view-body' }, renderBody(a.body)),
      h('h3', {}, t('kb.field.questions')),
      h('ul', { class: 'kb-questions', lang: a.locale }, (a.questions || []).map((q) => h('li', {}, q))),
      h('p', { class: 'hint' }, t('kb.updated', { when: fmtDateTime(a.updated_at) })));
    if (focus) focusEl(title);
  }

  // articleForm edits a (an article from the server) or, with a null, a new
  // article filled from prefill.
  function articleForm(a, prefill, focus) {
    const isNew = !a;
    const p = prefill || {};
    const src = a || {
      id: '', locale: KB_LOCALES.includes(p.locale) ? p.locale : (filters.locale || getLang()),
      category: KB_CATEGORIES.includes(p.category) ? p.category : '', title: p.title || '', body: p.body || '',
      questions: Array.isArray(p.questions) ? p.questions : [], status: KB_STATUSES.includes(p.status) ? p.status : 'draft',
    };
    const title = h('h2', { tabindex: '-1' }, isNew ? t('kb.newTitle') : t('kb.editTitle'));
    const idIn = h('input', { type: 'text', 'data-testid': 'kb-id', autocomplete: 'off', spellcheck: 'false', maxlength: '100', value: slug(src.title) });
    const locIn = select(KB_LOCALES.map((l) => [l, localeLabel(l)]), src.locale, { 'data-testid': 'kb-locale', disabled: !isNew });
    const catIn = select([['', t('kb.pickCategory')], ...KB_CATEGORIES.map((c) => [c, categoryLabel(c)])], src.category, { 'data-testid': 'kb-category' });
    const titleIn = h('input', { type: 'text', 'data-testid': 'kb-title', autocomplete: 'off', maxlength: '300', value: src.title, lang: src.locale });
    const bodyIn = h('textarea', { 'data-testid': 'kb-body', rows: '10', value: src.body, lang: src.locale });
    const preview = h('div', { class: 'kb-md kb-preview', 'data-testid': 'kb-preview', lang: src.locale, 'aria-live': 'off' });
    const qIn = h('textarea', { 'data-testid': 'kb-questions', rows: '5', value: (src.questions || []).join('\n'), lang: src.locale });
    const statusIn = select(KB_STATUSES.map((s) => [s, t(`kb.status.${s}`)]), src.status, { 'data-testid': 'kb-status' });
    const box = messageBox();
    box.setAttribute('data-testid', 'kb-form-msg');
    const saveBtn = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'kb-save' }, isNew ? t('kb.create') : t('common.save'));
    const actions = h('div', { class: 'btn-row' }, saveBtn, h('a', { class: 'btn', href: '#/kb' }, t('common.cancel')));

    let idTouched = false;
    idIn.addEventListener('input', () => { idTouched = true; });
    titleIn.addEventListener('input', () => { if (isNew && !idTouched) idIn.value = slug(titleIn.value); });
    locIn.addEventListener('change', () => { for (const el of [titleIn, bodyIn, preview, qIn]) el.lang = locIn.value; });
    const renderPreview = () => {
      preview.replaceChildren(renderBody(bodyIn.value));
      if (!bodyIn.value.trim()) preview.append(h('p', { class: 'muted' }, t('kb.previewEmpty')));
    };
    bodyIn.addEventListener('input', renderPreview);
    renderPreview();

    const previewTitle = h('p', { class: 'kb-preview-label', id: uid('kb-pv') }, t('kb.preview'));
    preview.setAttribute('aria-labelledby', previewTitle.id);
    const form = h('form', { class: 'kb-form', novalidate: true, 'data-testid': 'kb-editor', 'data-new': isNew ? 'true' : 'false' },
      backLink(), title,
      isNew ? field(t('kb.field.id'), idIn, t('kb.idHint'))
        : h('p', { class: 'kb-meta' }, t('kb.field.id'), ' ', h('code', { 'data-testid': 'kb-id-shown' }, a.id), ' · ',
          t('kb.updated', { when: fmtDateTime(a.updated_at) })),
      h('div', { class: 'form-grid' },
        field(t('kb.field.locale'), locIn, isNew ? null : t('kb.localeFixed')),
        field(t('kb.field.category'), catIn)),
      field(t('kb.field.title'), titleIn),
      field(t('kb.field.body'), bodyIn, t('kb.bodyHint')),
      previewTitle, preview,
      field(t('kb.field.questions'), qIn, t('kb.questionsHint')),
      field(t('kb.field.status'), statusIn, t('kb.statusHint')),
      box, actions);
    if (!isNew) actions.append(deleteButton(a, actions));
    setPane(form);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      box.set('');
      const id = isNew ? idIn.value.trim() : a.id;
      const locale = isNew ? locIn.value : a.locale;
      if (!ID_PATTERN.test(id)) { box.set(t('kb.err.id')); idIn.focus(); return; }
      if (!catIn.value) { box.set(t('kb.err.category')); catIn.focus(); return; }
      const payload = { category: catIn.value, title: titleIn.value, body: bodyIn.value, questions: splitLines(qIn.value), status: statusIn.value };
      saveBtn.disabled = true;
      try {
        // PUT writes over an article with the same id; a new one must not.
        if (isNew && await exists(locale, id)) { box.set(t('kb.err.exists', { id, locale: localeLabel(locale) })); idIn.focus(); return; }
        const saved = await api('PUT', apiPath('kb', 'articles', locale, id), payload);
        if (destroyed) return;
        flash = [t(isNew ? 'kb.created' : 'kb.saved'), 'ok'];
        loadList();
        const to = articleHash(saved.locale, saved.id);
        if (location.hash !== to) location.hash = to;
        else articleForm(saved, null, true);
      } catch (err) {
        box.set(err.status === 400 ? t('kb.err.api', { message: errorText(err) }) : errorText(err));
        focusEl(box);
      } finally {
        saveBtn.disabled = false;
      }
    });
    if (focus) focusEl(title);
  }

  async function exists(locale, id) {
    try {
      await api('GET', apiPath('kb', 'articles', locale, id));
      return true;
    } catch (err) {
      if (err.status === 404) return false;
      throw err;
    }
  }

  function deleteButton(a, actions) {
    const del = h('button', { type: 'button', class: 'btn danger', 'data-testid': 'kb-delete' }, t('common.delete'));
    del.addEventListener('click', () => {
      // Asked in place: a blocking confirm() is easy to dismiss by accident.
      const msg = h('span', { class: 'confirm-q' }, t('kb.deleteQ'));
      const yes = h('button', { type: 'button', class: 'btn danger', 'data-testid': 'kb-delete-confirm' }, t('kb.confirmDelete'));
      const no = h('button', { type: 'button', class: 'btn' }, t('common.cancel'));
      const ask = h('div', { class: 'btn-row kb-confirm', role: 'group', 'aria-label': t('kb.deleteQ') }, msg, yes, no);
      no.addEventListener('click', () => { ask.replaceWith(actions); del.focus(); });
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        try {
          await api('DELETE', apiPath('kb', 'articles', a.locale, a.id));
          if (destroyed) return;
          flash = [t('kb.deleted', { title: a.title }), 'ok'];
          loadList();
          location.hash = '#/kb';
        } catch (err) {
          yes.disabled = false;
          msg.textContent = errorText(err);
        }
      });
      actions.replaceWith(ask);
      no.focus();
    });
    return del;
  }

  loadList();
  heading.focus();
  return {
    key: 'kb',
    // show opens what the route names: #/kb, #/kb/new or #/kb/LOCALE/ID.
    show(r) {
      const sub = r.sub || [];
      const focus = current !== null || sub.length > 0;
      ++paneSeq;
      if (sub.length === 1 && sub[0] === 'new') {
        current = { isNew: true };
        const prefill = pendingNew;
        pendingNew = null;
        if (editor) articleForm(null, prefill, focus);
        else setPane(backLink(), h('p', { class: 'msgbox msgbox-info', role: 'status' }, t('kb.onlyEditors')));
      } else if (sub.length === 2 && KB_LOCALES.includes(sub[0])) {
        current = { locale: sub[0], id: sub[1] };
        showArticle(sub[0], sub[1], focus);
      } else {
        current = null;
        showNone(sub.length ? t('kb.badLink') : '', focus);
      }
      grid.classList.toggle('has-article', current !== null);
      markCurrent();
    },
    destroy() { destroyed = true; },
  };
}
