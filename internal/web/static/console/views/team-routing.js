// A team's routing settings on the admin teams page: how conversations are
// given out (least loaded, round robin, manual), the team's time zone,
// weekly hours and holidays, and overflow to another team after a wait.
// Saved with PATCH /api/v1/teams/{id}; the server's refusal is shown next
// to the form.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { api, apiPath, errorText } from '../api.js';
import { messageBox } from './common.js';

export const ROUTING_MODES = ['least_loaded', 'round_robin', 'manual'];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DEFAULT_SPAN = ['09:00', '18:00'];
const COMMON_ZONES = [
  'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Asia/Seoul',
  'Asia/Bangkok', 'Asia/Jakarta', 'Asia/Manila', 'Asia/Ho_Chi_Minh', 'Asia/Kolkata', 'Asia/Dubai',
  'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Europe/Istanbul', 'Europe/Moscow',
  'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Sao_Paulo',
  'Australia/Sydney', 'Africa/Lagos', 'UTC',
];

export function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function validZone(z) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: z }).format(0);
    return true;
  } catch {
    return false;
  }
}

// routingSummary is one line about a team's routing for its heading.
export function routingSummary(tm) {
  const mode = t(`routing.mode.${ROUTING_MODES.includes(tm.routing) ? tm.routing : 'least_loaded'}`);
  const hours = tm.hours ? t('routing.team.summaryHours', { zone: tm.timezone || 'UTC' }) : t('routing.team.alwaysOpen');
  return `${mode} · ${hours}`;
}

// teamRouting returns the settings of team tm in a disclosure, or null when
// the server does not tell routing settings. opts: teams (for the overflow
// choice), open (the disclosure starts open), onToggle(open), onSaved(team).
export function teamRouting(tm, opts = {}) {
  if (tm.routing === undefined) return null;
  const box = messageBox();
  box.setAttribute('data-testid', 'team-routing-result');

  const mode = h('select', { id: uid('tm-mode'), 'data-testid': 'team-routing-mode' },
    ROUTING_MODES.map((m) => h('option', { value: m }, t(`routing.mode.${m}`))));
  mode.value = ROUTING_MODES.includes(tm.routing) ? tm.routing : 'least_loaded';
  const modeHint = h('p', { class: 'hint', id: uid('hint') }, t(`routing.modeHint.${mode.value}`));
  mode.setAttribute('aria-describedby', modeHint.id);
  mode.addEventListener('change', () => { modeHint.textContent = t(`routing.modeHint.${mode.value}`); });

  const zonesId = uid('zones');
  const here = browserZone();
  const zone = h('input', {
    type: 'text', id: uid('tm-zone'), 'data-testid': 'team-timezone', list: zonesId, autocomplete: 'off', spellcheck: 'false',
    // A team never given hours shows the server's UTC default; offer the
    // browser's zone instead, which is what the admin most likely means.
    value: (!tm.hours && (!tm.timezone || tm.timezone === 'UTC')) ? here : tm.timezone,
  });
  const zones = h('datalist', { id: zonesId }, [here, ...COMMON_ZONES.filter((z) => z !== here)].map((z) => h('option', { value: z })));

  // ---- weekly hours ----
  const always = h('input', { type: 'checkbox', id: uid('tm-always'), 'data-testid': 'team-always-open' });
  always.checked = !tm.hours;
  const week = {}; // day → [[from, to], …]
  for (const d of WEEKDAYS) {
    const spans = tm.hours && Array.isArray(tm.hours[d]) ? tm.hours[d] : [];
    // A time field cannot hold 24:00: midnight at the end of a span shows
    // as 00:00 and is sent as 24:00.
    week[d] = spans.map((s) => String(s).split('-')).filter((p) => p.length === 2)
      .map(([a, b]) => [a, b === '24:00' ? '00:00' : b]);
  }
  const weekEl = h('div', { class: 'week', 'data-testid': 'team-hours' });
  const hoursHint = h('p', { class: 'hint' }, t('routing.team.hoursHint'));

  function dayRow(d) {
    const dayName = t(`routing.day.${d}`);
    const spans = week[d].map((span, i) => {
      const from = h('input', { type: 'time', value: span[0], 'data-testid': 'hours-from', 'aria-label': t('routing.team.from', { day: dayName }) });
      const to = h('input', { type: 'time', value: span[1], 'data-testid': 'hours-to', 'aria-label': t('routing.team.to', { day: dayName }) });
      from.addEventListener('input', () => { span[0] = from.value; });
      to.addEventListener('input', () => { span[1] = to.value; });
      const rm = h('button', { type: 'button', class: 'chip-x', 'data-testid': 'hours-remove',
        'aria-label': t('routing.team.removeSpan', { day: dayName, from: span[0], to: span[1] }) }, '×');
      rm.addEventListener('click', () => { week[d].splice(i, 1); renderWeek(d, 'add'); });
      return h('li', { class: 'span' }, from, h('span', { 'aria-hidden': 'true' }, '–'), to, rm);
    });
    const add = h('button', { type: 'button', class: 'btn small', 'data-testid': 'hours-add', 'data-day': d,
      'aria-label': t('routing.team.addSpanFor', { day: dayName }) }, t('routing.team.addSpan'));
    add.addEventListener('click', () => {
      const last = week[d][week[d].length - 1];
      week[d].push(last ? [last[1], last[1] < '23:00' ? '23:59' : last[1]] : [...DEFAULT_SPAN]);
      renderWeek(d, 'from');
    });
    return h('div', { class: 'day', 'data-day': d, role: 'group', 'aria-label': dayName },
      h('span', { class: 'day-name' }, dayName),
      spans.length ? h('ul', { class: 'spans' }, spans) : h('span', { class: 'muted day-closed' }, t('routing.team.closed')),
      add);
  }

  // renderWeek redraws the days; focus goes back to the changed day.
  function renderWeek(focusDay, what) {
    weekEl.hidden = always.checked;
    hoursHint.hidden = always.checked;
    weekEl.replaceChildren(...WEEKDAYS.map(dayRow));
    if (!focusDay) return;
    const row = weekEl.querySelector(`[data-day="${focusDay}"].day`);
    const el = what === 'from' ? [...row.querySelectorAll('[data-testid=hours-from]')].pop() : row.querySelector('[data-testid=hours-add]');
    if (el) el.focus();
  }
  always.addEventListener('change', () => {
    // Leaving "always open" with no hours at all starts from a working week.
    if (!always.checked && WEEKDAYS.every((d) => !week[d].length)) {
      for (const d of WEEKDAYS.slice(0, 5)) week[d] = [[...DEFAULT_SPAN]];
    }
    renderWeek();
  });

  // ---- holidays ----
  const holidays = Array.isArray(tm.holidays) ? [...tm.holidays] : [];
  const hday = h('input', { type: 'date', id: uid('tm-holiday'), 'data-testid': 'holiday-date' });
  const hadd = h('button', { type: 'button', class: 'btn small', 'data-testid': 'holiday-add' }, t('routing.team.addHoliday'));
  const hlist = h('ul', { class: 'chips', 'data-testid': 'holiday-list', 'aria-label': t('routing.team.holidays') });
  function renderHolidays() {
    holidays.sort();
    hlist.replaceChildren(...holidays.map((d, i) => h('li', { class: 'chip', 'data-date': d }, h('span', {}, d),
      h('button', { type: 'button', class: 'chip-x', 'data-testid': 'holiday-remove', 'aria-label': t('routing.team.removeHoliday', { date: d }),
        onclick: () => { holidays.splice(i, 1); renderHolidays(); hday.focus(); } }, '×'))));
    if (!holidays.length) hlist.append(h('li', { class: 'muted' }, t('routing.team.noHolidays')));
  }
  hadd.addEventListener('click', () => {
    if (!hday.value) { hday.focus(); return; }
    if (!holidays.includes(hday.value)) holidays.push(hday.value);
    hday.value = '';
    renderHolidays();
    hday.focus();
  });

  // ---- overflow ----
  const others = (opts.teams || []).filter((x) => x.id !== tm.id);
  const oteam = h('select', { id: uid('tm-ovt'), 'data-testid': 'team-overflow-team' },
    h('option', { value: '' }, t('routing.team.noOverflow')), others.map((x) => h('option', { value: x.id }, x.name)));
  oteam.value = tm.overflow_team_id || '';
  const omin = h('input', { type: 'number', id: uid('tm-ovm'), min: '0', step: '1', inputmode: 'numeric', class: 'cap-input',
    'data-testid': 'team-overflow-minutes', value: String(Number(tm.overflow_after_minutes) || 0) });
  const ominHint = h('p', { class: 'hint', id: uid('hint') }, t('routing.team.overflowHint'));
  omin.setAttribute('aria-describedby', ominHint.id);

  const save = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'team-routing-save' }, t('routing.team.save'));
  const summaryText = h('span', { class: 'muted', 'data-testid': 'team-routing-summary' }, routingSummary(tm));
  const form = h('form', { class: 'team-routing', novalidate: true },
    h('div', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: mode.id }, t('routing.team.mode')), mode, modeHint),
      h('div', { class: 'field' }, h('label', { for: zone.id }, t('routing.team.timezone')), zone, zones)),
    h('fieldset', { class: 'hours' }, h('legend', {}, t('routing.team.hours')),
      h('p', {}, always, ' ', h('label', { for: always.id }, t('routing.team.alwaysOpen'))), weekEl, hoursHint),
    h('fieldset', { class: 'holidays' }, h('legend', {}, t('routing.team.holidays')), hlist,
      h('div', { class: 'inline-form' }, h('div', { class: 'field' }, h('label', { for: hday.id }, t('routing.team.holidayDate')), hday), hadd)),
    h('fieldset', { class: 'overflow' }, h('legend', {}, t('routing.team.overflow')),
      h('div', { class: 'form-grid' },
        h('div', { class: 'field' }, h('label', { for: oteam.id }, t('routing.team.overflowTeam')), oteam),
        h('div', { class: 'field' }, h('label', { for: omin.id }, t('routing.team.overflowAfter')), omin, ominHint))),
    box, h('div', { class: 'btn-row' }, save));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    box.set('');
    const z = zone.value.trim();
    if (!z || !validZone(z)) { box.set(t('routing.team.badZone', { zone: z })); zone.focus(); return; }
    const mins = Number(omin.value);
    if (!Number.isInteger(mins) || mins < 0) { box.set(t('routing.team.badMinutes')); omin.focus(); return; }
    let hours = null;
    if (!always.checked) {
      hours = {};
      for (const d of WEEKDAYS) {
        if (week[d].some((s) => !s[0] || !s[1])) { box.set(t('routing.team.badSpan', { day: t(`routing.day.${d}`) })); return; }
        if (week[d].length) hours[d] = week[d].map((s) => `${s[0]}-${s[1] === '00:00' ? '24:00' : s[1]}`);
      }
    }
    const change = {
      routing: mode.value, timezone: z, hours, holidays: [...holidays],
      overflow_team_id: oteam.value || null, overflow_after_minutes: mins,
    };
    save.disabled = true;
    try {
      const d = await api('PATCH', apiPath('teams', tm.id), change);
      const saved = { ...tm, ...change, ...((d && (d.team || d)) || {}) };
      Object.assign(tm, saved);
      summaryText.textContent = routingSummary(saved);
      box.set(t('routing.team.saved', { name: tm.name }), 'ok');
      if (opts.onSaved) opts.onSaved(saved);
    } catch (err) {
      box.set(errorText(err));
    } finally {
      save.disabled = false;
    }
  });

  renderWeek();
  renderHolidays();
  const details = h('details', { class: 'team-routing-box', 'data-testid': 'team-routing', open: Boolean(opts.open) },
    h('summary', {}, h('span', { class: 'summary-title' }, t('routing.team.title')), ' ', summaryText), form);
  details.addEventListener('toggle', () => { if (opts.onToggle) opts.onToggle(details.open); });
  return details;
}
