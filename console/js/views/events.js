// The AI Events page: every event of the tenant, newest first, with filters and the
// "View Unmatched Events" toggle (with the unmatched count). Filters live in the URL.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { EVENT_TYPES } from '../format.js';
import { navigate } from '../router.js';
import { eventList } from './event_list.js';

// A date input's day as an RFC 3339 instant at the user's local midnight.
function localMidnight(day, plusDays = 0) {
  if (!day) return undefined;
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year, month - 1, date + plusDays).toISOString();
}

function select(id, label, value, options) {
  return [
    h('label', { for: id }, label),
    h('select', { id, name: id },
      options.map(([optionValue, text]) =>
        h('option', { value: optionValue, selected: optionValue === value }, text))),
  ];
}

export function renderEvents(main, route) {
  const p = route.params;
  const matched = p.get('matched') ?? '';
  const filters = {
    matched,
    event_type: p.get('event_type') ?? '',
    source: p.get('source') ?? '',
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
  };
  const unmatchedView = matched === 'false';

  const count = h('span', { class: 'count', 'aria-label': 'unmatched events' }, '…');
  const toggle = h('button', {
    type: 'button',
    class: `button toggle${unmatchedView ? ' toggle-on' : ''}`,
    'aria-pressed': String(unmatchedView),
    onclick: () => navigate('/events', { ...filters, matched: unmatchedView ? '' : 'false' }),
  }, 'View Unmatched Events ', count);
  api.countEvents(false)
    .then((r) => { count.textContent = r.capped ? `${r.count.toLocaleString()}+` : r.count.toLocaleString(); })
    .catch(() => { count.textContent = '?'; });

  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter events' },
    h('div', { class: 'field' }, select('event_type', 'Type', filters.event_type,
      [['', 'Any type'], ...Object.entries(EVENT_TYPES).map(([v, t]) => [v, t.label])])),
    h('div', { class: 'field' },
      h('label', { for: 'source' }, 'Source'),
      h('input', { id: 'source', name: 'source', value: filters.source, placeholder: 'e.g. retell' })),
    h('div', { class: 'field' }, select('matched', 'Customer', filters.matched,
      [['', 'Matched or not'], ['true', 'Matched'], ['false', 'Unmatched']])),
    h('div', { class: 'field' },
      h('label', { for: 'from' }, 'From'),
      h('input', { id: 'from', name: 'from', type: 'date', value: filters.from })),
    h('div', { class: 'field' },
      h('label', { for: 'to' }, 'To'),
      h('input', { id: 'to', name: 'to', type: 'date', value: filters.to })),
    h('div', { class: 'field field-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Apply'),
      h('a', { class: 'button', href: '#/events' }, 'Clear')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    navigate('/events', Object.fromEntries(data.entries()));
  });

  const results = h('section', { 'aria-label': 'Events' });
  replace(main,
    h('div', { class: 'page-header' },
      h('h1', {}, unmatchedView ? 'Unmatched AI Events' : 'AI Events'), toggle),
    unmatchedView
      ? h('p', { class: 'help' },
        'These events matched no customer. Open one to associate it with the right customer.')
      : null,
    form,
    results);

  const query = {
    page_size: 50,
    matched: filters.matched,
    event_type: filters.event_type,
    source: filters.source,
    occurred_after: localMidnight(filters.from),
    occurred_before: localMidnight(filters.to, 1),
  };
  eventList(results, (token) => api.listEvents({ ...query, page_token: token }), {
    emptyText: unmatchedView
      ? 'No unmatched events: every event found its customer.'
      : 'No events match these filters.',
  });
}
