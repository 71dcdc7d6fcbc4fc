// A keyset-paged list of events with "Load more": used by the AI Events page and by a
// customer's AI Events section. `load(pageToken)` returns one page of the API.
import { customerById } from '../customers_cache.js';
import { empty, errorState, h, loading, replace } from '../dom.js';
import { customerName, eventType, matchLabel, shorten, timeElement } from '../format.js';
import { href } from '../router.js';

function customerCell(event) {
  if (!event.customer_id) return h('span', { class: 'badge badge-unmatched' }, 'Unmatched');
  const link = h('a', { href: href(`/customers/${event.customer_id}`) }, 'Customer');
  customerById(event.customer_id)
    .then((customer) => { link.textContent = customerName(customer); })
    .catch(() => { link.textContent = 'Customer (not found)'; });
  return link;
}

export function eventRow(event, { showCustomer = true } = {}) {
  return h('li', { class: 'event-row', dataset: { eventId: event.id } },
    h('div', { class: 'event-row-time' }, timeElement(event.occurred_at)),
    h('div', { class: 'event-row-type' }, eventType(event.event_type)),
    h('div', { class: 'event-row-source' }, event.source),
    h('div', { class: 'event-row-summary' },
      h('a', { href: href(`/events/${event.id}`), class: 'event-link' },
        shorten(event.summary, 140))),
    showCustomer ? h('div', { class: 'event-row-customer' }, customerCell(event)) : null,
    h('div', { class: 'event-row-match' }, matchLabel(event.match_method)));
}

// Renders into `container`; returns { prepend(event) } for live updates.
export function eventList(container, load, { emptyText, showCustomer = true } = {}) {
  const list = h('ul', { class: 'event-list', 'aria-live': 'polite' });
  // Column names for wide screens; each cell also reads well on its own (phones, screen readers).
  const head = h('div', { class: 'event-list-head', 'aria-hidden': 'true' },
    h('div', {}, 'Occurred'), h('div', {}, 'Type'), h('div', {}, 'Source'), h('div', {}, 'Summary'),
    showCustomer ? h('div', {}, 'Customer') : null, h('div', {}, 'Match'));
  const more = h('button', { type: 'button', class: 'button' }, 'Load more');
  const footer = h('div', { class: 'list-footer' });
  const shown = new Set();
  let token = '';

  async function page(first) {
    if (first) replace(container, loading());
    else replace(footer, loading('Loading more…'));
    try {
      const result = await load(token);
      const events = result.ai_events ?? [];
      token = result.next_page_token ?? '';
      if (first) {
        if (events.length === 0) {
          replace(container, empty(emptyText ?? 'No events yet.'));
          return;
        }
        replace(container, head, list, footer);
      }
      for (const event of events) {
        if (shown.has(event.id)) continue;
        shown.add(event.id);
        list.append(eventRow(event, { showCustomer }));
      }
      replace(footer, token ? more : h('p', { class: 'help' }, 'That is all.'));
    } catch (error) {
      const retry = () => page(first);
      if (first) replace(container, errorState(error, retry));
      else replace(footer, errorState(error, retry));
    }
  }

  more.addEventListener('click', () => page(false));
  page(true);
  return {
    // A new or newly associated event at the top (live updates).
    prepend(event) {
      const existing = list.querySelector(`[data-event-id="${CSS.escape(event.id)}"]`);
      if (existing) existing.remove();
      shown.add(event.id);
      if (!list.isConnected) replace(container, head, list, footer);
      list.prepend(eventRow(event, { showCustomer }));
    },
  };
}
