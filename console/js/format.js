// How values read on screen: times in the user's own time zone, event types as an icon and a
// label, customers by name.
import { h } from './dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const fullDateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'full',
  timeStyle: 'long',
});

export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function timeElement(iso) {
  return h('time', { datetime: iso, title: iso ? fullDateTime.format(new Date(iso)) : '' },
    formatTime(iso));
}

export const EVENT_TYPES = {
  phone_call: { label: 'Phone call' },
  sms: { label: 'SMS' },
  email: { label: 'Email' },
  chat: { label: 'Chat' },
  workflow: { label: 'Workflow' },
  note: { label: 'Note' },
  review: { label: 'Review' },
  escalation: { label: 'Escalation' },
  other: { label: 'Other' },
};

const SVG = 'http://www.w3.org/2000/svg';

// An icon from icons.svg (an SVG sprite, so no emoji font is needed and colours follow the
// theme), hidden from screen readers: the label next to it says the same.
export function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS(SVG, 'use');
  use.setAttribute('href', `icons.svg#${name}`);
  svg.append(use);
  return svg;
}

export function eventType(type) {
  const known = EVENT_TYPES[type] ?? { label: type ?? 'Unknown' };
  return h('span', { class: 'event-type' }, icon(EVENT_TYPES[type] ? type : 'other'), known.label);
}

export const MATCH_METHODS = {
  none: 'No match',
  email: 'Matched by email',
  phone: 'Matched by phone',
  name: 'Matched by name',
  manual: 'Associated by hand',
  auto: 'Re-matched automatically',
  customer_id: 'Matched by customer id',
};

export function matchLabel(method) {
  return MATCH_METHODS[method] ?? method ?? '—';
}

export function customerName(customer) {
  if (!customer) return '';
  const name = [customer.first_name, customer.last_name].filter(Boolean).join(' ');
  return name || customer.email || customer.phone || customer.id;
}

export function customerDetail(customer) {
  return [customer.email, customer.phone].filter(Boolean).join(' · ');
}

// A JSON text pretty-printed, or the text as it is when it is not JSON.
export function prettyPayload(text) {
  try {
    return { json: true, text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch {
    return { json: false, text: text ?? '' };
  }
}

// `text` cut to `limit` characters with "…" (for one-line cells; details show it whole).
export function shorten(text, limit) {
  const value = text ?? '';
  return value.length <= limit ? value : `${value.slice(0, limit).trimEnd()}…`;
}
