// Webhook endpoints (outbound): the URLs AI Events POSTs the tenant's events to, signed. Adding
// one shows its signing secret once; each endpoint can be disabled or enabled, have its secret
// rotated, be deleted, and links to its attempts. Not the Webhook inbox (webhooks.js), which
// receives vendors' webhooks.
import { api } from '../api.js';
import { empty, errorState, h, loading, replace } from '../dom.js';
import { timeElement } from '../format.js';
import { href } from '../router.js';

export const ENDPOINT_EVENT_TYPES = [
  ['ai_event.created', 'An AI event is stored'],
  ['ai_event.associated', 'An AI event gets a customer later'],
  ['customer.erased', 'A customer is erased'],
];

const DISABLED_REASONS = {
  manual: 'it was disabled by hand',
  gone: 'it answered 410 Gone',
  failing: 'no delivery succeeded for 5 days',
};

// A labelled control with its error line, for markViolations.
export function formField(id, label, control) {
  const error = h('span', { id: `${id}-error`, class: 'field-error' });
  control.id = id;
  control.setAttribute('aria-describedby', `${id}-error`);
  return { node: h('div', { class: 'field' }, h('label', { for: id }, label), control, error),
    controls: [control], error };
}

export function clearViolations(fields) {
  for (const field of Object.values(fields)) {
    field.error.textContent = '';
    for (const control of field.controls) control.removeAttribute('aria-invalid');
  }
}

// Shows each field violation next to its field ("event_types[1]" belongs to event_types) and
// moves focus to the first one, so it is read out rather than missed.
export function markViolations(error, fields) {
  let first = null;
  for (const violation of error.violations ?? []) {
    const field = fields[violation.field.replace(/\[\d+\]$/, '')];
    if (!field) continue;
    field.error.textContent = violation.description;
    for (const control of field.controls) control.setAttribute('aria-invalid', 'true');
    first ??= field.controls[0];
  }
  first?.focus();
}

function selectText(node) {
  const range = document.createRange();
  range.selectNodeContents(node);
  window.getSelection().removeAllRanges();
  window.getSelection().addRange(range);
}

// A signing secret, shown this once (the API never returns it again), with a Copy button.
// Where the clipboard is refused (no permission, or a page not served over https) the text is
// selected instead, for the user's own copy.
export function secretNotice(lead, secret) {
  const code = h('code', { class: 'copyable secret' }, secret);
  const result = h('span', { class: 'form-result', role: 'status' });
  const copy = h('button', { type: 'button', class: 'button',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(secret);
        result.textContent = 'Copied.';
      } catch {
        selectText(code);
        result.textContent = 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.';
      }
    } }, 'Copy secret');
  return h('div', { class: 'notice secret-notice', tabindex: '-1' },
    h('p', {}, lead, ' ', h('strong', {}, 'Copy its signing secret now: it will not be shown again.'),
      ' Your receiver verifies signatures with it.'),
    code, h('div', { class: 'actions' }, copy, result));
}

export function endpointStatus(endpoint) {
  const enabled = endpoint.status === 'enabled';
  return h('span', { class: `badge badge-${enabled ? 'enabled' : 'disabled'}` },
    enabled ? 'Enabled' : 'Disabled');
}

// One endpoint and its actions. Changes redraw the card in place with `notice` (a message or
// a new secret) under it; `onDeleted` runs after a delete. `heading` is h3 in the list, h2 on
// the endpoint's own page.
export function endpointCard(endpoint, options, notice = null) {
  const { tag = 'li', heading = 'h3', attemptsLink = true, onDeleted } = options;
  const titleId = `endpoint-${endpoint.id}-url`;
  const result = h('div', { class: 'form-result', role: 'status', 'aria-live': 'polite' }, notice);
  const failed = (what, error) => {
    replace(result, h('p', { class: 'form-error' }, `${what}: ${error.describe()}`));
  };
  // The new card takes the old one's place; focus follows to the same button, or to a new
  // secret, so keyboard and screen reader users are not dropped at the top of the page.
  const redraw = (updated, next, focus) => {
    const fresh = endpointCard(updated, options, next);
    card.replaceWith(fresh);
    fresh.querySelector(focus)?.focus();
  };
  const button = (text, action, onclick, extra = '') => h('button', { type: 'button',
    class: `button ${extra}`, 'aria-describedby': titleId, dataset: { action }, onclick }, text);
  const enabled = endpoint.status === 'enabled';
  const toggle = button(enabled ? 'Disable' : 'Enable', 'toggle', async () => {
    try {
      const updated = await api.updateEndpoint(endpoint.id,
        { status: enabled ? 'disabled' : 'enabled' });
      redraw(updated, enabled
        ? 'Disabled: no new events are queued for it; pending ones wait until it is enabled.'
        : 'Enabled: events are sent to it again.', '[data-action="toggle"]');
    } catch (error) {
      failed(enabled ? 'Not disabled' : 'Not enabled', error);
    }
  });
  const rotate = button('Rotate secret', 'rotate', async () => {
    try {
      const updated = await api.rotateEndpointSecret(endpoint.id);
      redraw(updated, secretNotice('Secret rotated. The previous one also signs every ' +
        'message for 24 hours, so switch your receiver before then.', updated.secret),
      '.secret-notice');
    } catch (error) {
      failed('Not rotated', error);
    }
  });
  const remove = button('Delete', 'delete', async () => {
    if (!window.confirm(`Delete the endpoint ${endpoint.url}? Its pending messages and ` +
      'its attempts are deleted with it.')) return;
    try {
      await api.deleteEndpoint(endpoint.id);
      onDeleted(endpoint);
    } catch (error) {
      failed('Not deleted', error);
    }
  }, 'button-danger');
  const card = h(tag, { class: 'card endpoint', dataset: { endpointId: endpoint.id } },
    h('div', { class: 'section-header' },
      h(heading, { id: titleId, class: 'endpoint-url' }, h('code', {}, endpoint.url)),
      endpointStatus(endpoint)),
    endpoint.description ? h('p', {}, endpoint.description) : null,
    h('dl', { class: 'fields' },
      h('dt', {}, 'Event types'),
      h('dd', {}, endpoint.event_types.map((type, i) => [i ? ', ' : '', h('code', {}, type)])),
      enabled ? null : [h('dt', {}, 'Disabled because'),
        h('dd', {}, DISABLED_REASONS[endpoint.disabled_reason] ?? (endpoint.disabled_reason || '—'))],
      endpoint.failing_since
        ? [h('dt', {}, 'Failing since'), h('dd', {}, timeElement(endpoint.failing_since))] : null,
      h('dt', {}, 'Last success'),
      h('dd', {}, endpoint.last_success_time ? timeElement(endpoint.last_success_time) : 'Never'),
      h('dt', {}, 'Added'), h('dd', {}, timeElement(endpoint.create_time))),
    h('div', { class: 'actions' },
      attemptsLink ? h('a', { href: href(`/webhook-endpoints/${endpoint.id}`),
        'aria-describedby': titleId }, 'Attempts and recovery') : null,
      toggle, rotate, remove),
    result);
  return card;
}

function addForm(onAdded) {
  const fields = {
    url: formField('endpoint-url', 'URL', h('input', { name: 'url', type: 'url',
      autocomplete: 'off', maxlength: 2048, placeholder: 'https://crm.example.com/hooks/aievents' })),
    description: formField('endpoint-description', 'Description (optional)',
      h('input', { name: 'description', maxlength: 500 })),
  };
  const boxes = ENDPOINT_EVENT_TYPES.map(([type]) => h('input', { type: 'checkbox',
    id: `endpoint-type-${type}`, name: 'event_types', value: type,
    checked: type === 'ai_event.created', 'aria-describedby': 'endpoint-types-error' }));
  fields.event_types = { controls: boxes,
    error: h('span', { id: 'endpoint-types-error', class: 'field-error' }) };
  const created = h('div', { role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Add endpoint');
  const form = h('form', { class: 'endpoint-form', novalidate: true },
    fields.url.node,
    h('fieldset', { class: 'field checks' }, h('legend', {}, 'Event types'),
      boxes.map((box, i) => h('label', { class: 'check', for: box.id }, box,
        h('span', {}, ENDPOINT_EVENT_TYPES[i][1], ' ', h('code', {}, ENDPOINT_EVENT_TYPES[i][0])))),
      fields.event_types.error),
    fields.description.node,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearViolations(fields);
    submit.disabled = true;
    replace(created, h('p', { class: 'form-result' }, 'Adding…'));
    try {
      const endpoint = await api.createEndpoint({
        url: fields.url.controls[0].value.trim(),
        event_types: boxes.filter((box) => box.checked).map((box) => box.value),
        description: fields.description.controls[0].value.trim(),
      });
      form.reset();
      const notice = secretNotice('Endpoint added.', endpoint.secret);
      replace(created, notice);
      notice.focus();
      onAdded();
    } catch (error) {
      replace(created, h('p', { class: 'form-result form-error' }, `Not added: ${error.describe()}`));
      markViolations(error, fields);
    } finally {
      submit.disabled = false;
    }
  });
  return [form, created];
}

export function renderWebhookEndpoints(main) {
  const list = h('div');
  const status = h('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
  async function load() {
    replace(list, loading());
    try {
      const endpoints = (await api.listEndpoints()).webhook_endpoints ?? [];
      replace(list, endpoints.length
        ? h('ul', { class: 'plain' }, endpoints.map((endpoint) => endpointCard(endpoint, {
          onDeleted: (deleted) => { status.textContent = `Deleted ${deleted.url}.`; load(); },
        })))
        : empty('No webhook endpoints yet. Add one to have your events sent to it as they happen.'));
    } catch (error) {
      replace(list, errorState(error, load));
    }
  }
  replace(main,
    h('div', { class: 'page-header' }, h('h1', {}, 'Webhook endpoints')),
    h('p', { class: 'help' }, 'Outbound: AI Events sends your events, signed, to these URLs as ',
      'they happen. Webhooks that vendors send to AI Events are in the ',
      h('a', { href: '#/webhooks' }, 'Webhook inbox'), '.'),
    h('section', { class: 'card', 'aria-labelledby': 'endpoints' },
      h('h2', { id: 'endpoints' }, 'Endpoints'), list, status),
    h('section', { class: 'card', 'aria-labelledby': 'add-endpoint' },
      h('h2', { id: 'add-endpoint' }, 'Add an endpoint'), addForm(load)));
  load();
}
