// The Event Details page: every field, how the event matched, its association history, and
// the customer dropdown with "Associate Customer" (which also re-associates and undoes).
import { api } from '../api.js';
import { customerCombobox } from '../combobox.js';
import { customerById, rememberCustomer } from '../customers_cache.js';
import { errorState, h, loading, replace, truncated } from '../dom.js';
import {
  customerName, eventType, formatTime, matchLabel, prettyPayload, timeElement,
} from '../format.js';
import { href } from '../router.js';

function customerLink(id) {
  if (!id) return h('span', { class: 'badge badge-unmatched' }, 'Unmatched');
  const link = h('a', { href: href(`/customers/${id}`) }, id);
  customerById(id)
    .then((customer) => { link.textContent = customerName(customer); })
    .catch(() => { link.textContent = `${id} (not found)`; });
  return link;
}

function field(label, value) {
  return [h('dt', {}, label), h('dd', {}, value ?? '—')];
}

function confidenceBar(confidence) {
  if (confidence === null || confidence === undefined) return 'Not given';
  const percent = Math.round(confidence * 100);
  return h('span', { class: 'confidence' },
    h('meter', { min: 0, max: 1, value: confidence, 'aria-label': `Confidence ${percent}%` }),
    ` ${percent}%`);
}

function payloadBlock(text) {
  const pretty = prettyPayload(text);
  const pre = h('pre', { class: 'payload', tabindex: '0' }, pretty.text);
  const label = pretty.json ? 'Raw payload (JSON)' : 'Raw payload (text)';
  if (pretty.text.length <= 1500) return [h('h2', {}, label), pre];
  return [h('h2', {}, label),
    h('details', {}, h('summary', {}, `Show all ${pretty.text.length.toLocaleString()} characters`), pre)];
}

function historyTable(associations) {
  if (!associations?.length) return h('p', { class: 'help' }, 'Never associated by hand or re-matched.');
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'sr-only' }, 'Association history'),
    h('thead', {}, h('tr', {},
      ['When', 'Who', 'From', 'To', 'How'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, associations.map((a) => h('tr', {},
      h('td', {}, timeElement(a.created_at)),
      h('td', {}, a.actor),
      h('td', {}, customerLink(a.from_customer_id)),
      h('td', {}, customerLink(a.to_customer_id)),
      h('td', {}, matchLabel(a.method)))))));
}

export function renderEventDetails(main, route) {
  const id = route.segments[1];
  let disposed = false;

  async function load(message) {
    replace(main, loading());
    try {
      const [event, candidates] = await Promise.all([
        api.getEvent(id),
        api.candidates(id).catch(() => ({ candidates: [] })),
      ]);
      if (!disposed) show(event, candidates.candidates ?? [], message);
    } catch (error) {
      if (!disposed) {
        replace(main, h('p', {}, h('a', { href: '#/events' }, '← AI Events')),
          errorState(error.status === 404 ? new Error('This event does not exist.') : error,
            error.status === 404 ? null : () => load()));
      }
    }
  }

  function show(event, candidates, message) {
    const lookup = event.customer_lookup ?? {};
    const result = h('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
    const button = h('button', { type: 'button', class: 'button button-primary', disabled: true },
      'Associate Customer');
    let choice = null;
    const combobox = customerCombobox({
      label: event.customer_id ? 'Move to another customer' : 'Customer',
      candidates,
      onPick: (customer) => {
        choice = customer;
        button.disabled = !customer || customer.id === event.customer_id;
      },
    });

    async function associate(customerId, doneText) {
      button.disabled = true;
      result.className = 'form-result';
      result.textContent = 'Associating…';
      try {
        await api.associate(event.id, customerId);
        load(doneText);
      } catch (error) {
        result.className = 'form-result form-error';
        result.textContent = `Not associated: ${error.describe()}`;
        button.disabled = !choice;
      }
    }
    button.addEventListener('click', () => {
      if (!choice) return;
      rememberCustomer(choice);
      associate(choice.id, `Associated with ${customerName(choice)}.`);
    });

    // Undo: back to the customer before the last association, when there was one (the API
    // cannot put an event back into the unmatched queue).
    const last = event.associations?.at(-1);
    let undo = null;
    if (message && last) {
      undo = last.from_customer_id
        ? h('button', { type: 'button', class: 'button',
          onclick: () => associate(last.from_customer_id, 'Undone: back with the previous customer.') },
        'Undo')
        : h('span', { class: 'help' },
          ' It was unmatched before; an event cannot go back to the unmatched queue.');
    }

    replace(main,
      h('p', {}, h('a', { href: '#/events' }, '← AI Events')),
      h('div', { class: 'page-header' },
        h('h1', {}, eventType(event.event_type), ' from ', event.source)),
      message ? h('p', { class: 'notice', role: 'status' }, message, ' ', undo) : null,
      h('div', { class: 'details-grid' },
        h('section', { class: 'card', 'aria-labelledby': 'event-fields' },
          h('h2', { id: 'event-fields' }, 'Event'),
          h('dl', { class: 'fields' },
            field('Summary', truncated(event.summary, 400)),
            field('Occurred', timeElement(event.occurred_at)),
            field('Received', timeElement(event.received_at)),
            field('Confidence', confidenceBar(event.confidence)),
            field('Source event id', event.source_eid),
            field('Idempotency key', h('code', {}, event.idempotency_key)),
            field('Event id', h('code', {}, event.id)))),
        h('section', { class: 'card', 'aria-labelledby': 'event-match' },
          h('h2', { id: 'event-match' }, 'Customer'),
          h('dl', { class: 'fields' },
            field('Customer', customerLink(event.customer_id)),
            field('How', matchLabel(event.match_method)),
            field('Matched value', event.matched_value),
            field('Lookup as sent', h('ul', { class: 'plain' },
              Object.entries(lookup).filter(([, v]) => v)
                .map(([k, v]) => h('li', {}, `${k.replace('_', ' ')}: `, h('code', {}, v)))))),
          h('div', { class: 'associate' },
            h('h3', {}, event.customer_id ? 'Wrong customer?' : 'Associate this event'),
            combobox, h('div', { class: 'actions' }, button), result))),
      h('section', { class: 'card', 'aria-labelledby': 'event-history' },
        h('h2', { id: 'event-history' }, 'Association history'),
        historyTable(event.associations)),
      h('section', { class: 'card' }, payloadBlock(event.raw_payload)));
    document.title = `${formatTime(event.occurred_at)} · AI Events`;
  }

  load();
  return () => { disposed = true; document.title = 'AI Events'; };
}
