// One outbound webhook endpoint: its card (disable, rotate, delete), its delivery attempts with
// the status codes its server answered, and recovery of failed messages since a chosen time.
import { api } from '../api.js';
import { empty, errorState, h, loading, replace } from '../dom.js';
import { formatTime, timeElement } from '../format.js';
import { navigate } from '../router.js';
import { clearViolations, endpointCard, formField, markViolations } from './webhook_endpoints.js';

function attemptRow(attempt) {
  const ok = attempt.status_code >= 200 && attempt.status_code < 300;
  return h('tr', { dataset: { messageId: attempt.message_id } },
    h('td', {}, timeElement(attempt.attempt_time)),
    h('td', {}, h('code', {}, attempt.event_type)),
    // 0: no answer came (timeout, refused connection, TLS), which the error says.
    h('td', {}, h('span', { class: `badge badge-${ok ? 'delivered' : 'failed'}` },
      attempt.status_code ? String(attempt.status_code) : 'No answer')),
    h('td', {}, `${attempt.duration_ms ?? 0} ms`),
    h('td', { class: 'delivery-error' }, attempt.error || '—'),
    h('td', {}, attempt.next_retry_time ? timeElement(attempt.next_retry_time) : '—'),
    h('td', {}, h('code', {}, attempt.message_id)));
}

function attemptsSection(id) {
  const rows = h('tbody');
  const table = h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'sr-only' }, 'Delivery attempts, newest first'),
    h('thead', {}, h('tr', {}, ['Time', 'Event type', 'Status code', 'Duration', 'Error',
      'Next retry', 'Message id'].map((t) => h('th', { scope: 'col' }, t)))),
    rows));
  const body = h('div');
  const footer = h('div', { class: 'list-footer' });
  let token = '';
  let generation = 0;  // a Refresh drops the answers of pages asked for before it

  async function page(first) {
    const mine = first ? ++generation : generation;
    if (first) {
      token = '';
      replace(body, loading());
    } else {
      replace(footer, loading('Loading more…'));
    }
    try {
      const result = await api.endpointAttempts(id, { page_size: 50, page_token: token });
      if (mine !== generation) return;
      const attempts = result.attempts ?? [];
      token = result.next_page_token ?? '';
      if (first && attempts.length === 0) {
        replace(body, empty('No attempts yet: each delivery attempt shows here, newest first.'));
        return;
      }
      if (first) {
        rows.replaceChildren();
        replace(body, table, footer);
      }
      rows.append(...attempts.map(attemptRow));
      replace(footer, token
        ? h('button', { type: 'button', class: 'button', onclick: () => page(false) }, 'Load more')
        : h('p', { class: 'help' }, 'That is all.'));
    } catch (error) {
      if (mine === generation) replace(first ? body : footer, errorState(error, () => page(first)));
    }
  }
  page(true);
  return h('section', { class: 'card', 'aria-labelledby': 'attempts' },
    h('div', { class: 'section-header' }, h('h2', { id: 'attempts' }, 'Attempts'),
      h('button', { type: 'button', class: 'button', onclick: () => page(true) }, 'Refresh')),
    body);
}

// A time as a datetime-local input's value (local time, to the minute).
function localInputValue(ms) {
  const date = new Date(ms);
  return new Date(ms - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function recoverSection(id) {
  const fields = {
    since: formField('recover-since', 'Failed since (your time zone)', h('input', {
      name: 'since', type: 'datetime-local', value: localInputValue(Date.now() - 86400000) })),
  };
  const result = h('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' },
    'Recover failed messages');
  const form = h('form', { class: 'endpoint-form', novalidate: true }, fields.since.node,
    h('div', { class: 'actions' }, submit), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearViolations(fields);
    const value = fields.since.controls[0].value;
    // The input holds a local time; the API wants an instant. Empty goes as "" for the API
    // to name the field.
    const since = value ? new Date(value).toISOString() : '';
    submit.disabled = true;
    result.className = 'form-result';
    result.textContent = 'Recovering…';
    try {
      const { recovered = 0 } = await api.recoverEndpoint(id, since);
      result.textContent = recovered
        ? `${recovered} failed message${recovered === 1 ? '' : 's'} queued again, with their ` +
          'original webhook-id.'
        : `No failed messages since ${formatTime(since)}.`;
    } catch (error) {
      result.className = 'form-result form-error';
      result.textContent = `Not recovered: ${error.describe()}`;
      markViolations(error, fields);
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'recover' },
    h('h2', { id: 'recover' }, 'Recover failed messages'),
    h('p', { class: 'help' }, 'A message has failed once all eight attempts (about 27.5 hours) ',
      'are spent. When the receiver works again, send the ones created since a time once more; ',
      'a disabled endpoint gets them when it is enabled.'),
    form);
}

export function renderWebhookEndpointDetails(main, route) {
  const id = route.segments[1];
  let disposed = false;
  const back = () => h('p', {}, h('a', { href: '#/webhook-endpoints' }, '← Webhook endpoints'));

  async function load() {
    replace(main, loading());
    try {
      const endpoint = await api.getEndpoint(id);
      if (disposed) return;
      replace(main, back(),
        h('div', { class: 'page-header' }, h('h1', {}, 'Webhook endpoint')),
        endpointCard(endpoint, { tag: 'section', heading: 'h2', attemptsLink: false,
          onDeleted: () => navigate('/webhook-endpoints') }),
        attemptsSection(id),
        recoverSection(id));
    } catch (error) {
      if (disposed) return;
      const missing = error.status === 404;
      replace(main, back(), errorState(
        missing ? new Error('This webhook endpoint does not exist.') : error, missing ? null : load));
    }
  }
  load();
  return () => { disposed = true; };
}
