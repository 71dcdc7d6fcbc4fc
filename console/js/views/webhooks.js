// The webhook inbox: vendor sources (URLs, secret rotation, disabling) and deliveries with
// their status, reason and a Replay button for failed ones.
import { api } from '../api.js';
import { empty, errorState, h, loading, replace } from '../dom.js';
import { shorten, timeElement } from '../format.js';
import { href, navigate } from '../router.js';

const STATUSES = ['', 'pending', 'processed', 'failed', 'rejected', 'ignored'];

export function statusBadge(status) {
  return h('span', { class: `badge badge-${status}` }, status);
}

export async function replay(id, result, onDone) {
  result.className = 'form-result';
  result.textContent = 'Replaying…';
  try {
    const delivery = await api.replayDelivery(id);
    result.textContent = `Replayed: now ${delivery.status}${delivery.error ? ` (${delivery.error})` : ''}.`;
    onDone?.(delivery);
  } catch (error) {
    result.className = 'form-result form-error';
    result.textContent = `Not replayed: ${error.describe()}`;
  }
}

function sourceRow(source, reload) {
  const result = h('p', { class: 'form-result', role: 'status' });
  const secret = h('input', { type: 'password', name: 'signing_secret', autocomplete: 'off',
    placeholder: 'whsec_…', 'aria-label': `New signing secret for ${source.label || source.vendor}` });
  const rotate = h('form', { class: 'inline-form' }, secret,
    h('button', { type: 'submit', class: 'button' }, 'Rotate secret'));
  rotate.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.rotateSecret(source.id, secret.value.trim());
      result.className = 'form-result';
      result.textContent = 'Secret rotated; the previous one keeps working for 24 hours.';
      secret.value = '';
    } catch (error) {
      result.className = 'form-result form-error';
      result.textContent = error.describe();
    }
  });
  const disable = h('button', { type: 'button', class: 'button button-danger',
    onclick: async () => {
      if (!window.confirm('Disable this source? Its URL stops accepting deliveries.')) return;
      try { await api.disableSource(source.id); reload(); } catch (error) {
        result.className = 'form-result form-error';
        result.textContent = error.describe();
      }
    } }, 'Disable');
  return h('li', { class: 'card source' },
    h('div', { class: 'section-header' },
      h('h3', {}, source.label || source.vendor, ' ', h('span', { class: 'badge' }, source.vendor)),
      source.disabled_at ? h('span', { class: 'badge badge-failed' }, 'disabled') : null),
    h('p', {}, 'URL: ', h('code', {}, `${window.location.origin}/v1/webhooks/${source.vendor}/${source.token_prefix}…`)),
    h('p', { class: 'help' }, 'The full URL was shown once, when the source was created. ',
      source.has_signing_secret ? 'Deliveries must be signed.' : 'No signing secret.',
      ' Created ', timeElement(source.created_at), '.'),
    source.disabled_at ? null : h('div', { class: 'actions' }, rotate, disable),
    result);
}

function sourcesSection() {
  const section = h('section', { class: 'card', 'aria-labelledby': 'sources' });
  const list = h('div');
  const vendor = h('select', { id: 'source-vendor', name: 'vendor' },
    ['agntix', 'whippy', 'sipgate'].map((v) => h('option', { value: v }, v)));
  const label = h('input', { id: 'source-label', name: 'label', maxlength: 200 });
  const secret = h('input', { id: 'source-secret', name: 'signing_secret', type: 'password',
    autocomplete: 'off', placeholder: 'optional, whsec_…' });
  const created = h('div', { role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'filters' },
    h('div', { class: 'field' }, h('label', { for: 'source-vendor' }, 'Vendor'), vendor),
    h('div', { class: 'field' }, h('label', { for: 'source-label' }, 'Label'), label),
    h('div', { class: 'field' }, h('label', { for: 'source-secret' }, 'Signing secret'), secret),
    h('div', { class: 'field field-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Add source')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = { vendor: vendor.value };
    if (label.value.trim()) fields.label = label.value.trim();
    if (secret.value.trim()) fields.signing_secret = secret.value.trim();
    try {
      const result = await api.createSource(fields);
      replace(created, h('div', { class: 'notice' },
        h('p', {}, 'Source added. Give this URL to the vendor; it is shown only now:'),
        h('code', { class: 'copyable' }, `${window.location.origin}${result.url_path}`)));
      label.value = '';
      secret.value = '';
      load();
    } catch (error) {
      replace(created, h('p', { class: 'form-error' }, error.describe()));
    }
  });

  async function load() {
    replace(list, loading());
    try {
      const sources = (await api.listSources()).webhook_sources ?? [];
      replace(list, sources.length
        ? h('ul', { class: 'plain' }, sources.map((s) => sourceRow(s, load)))
        : empty('No webhook sources yet. Add one for each vendor account that posts here.'));
    } catch (error) {
      replace(list, errorState(error, load));
    }
  }
  load();
  return replace(section, h('h2', { id: 'sources' }, 'Sources'), list,
    h('h3', {}, 'Add a source'), form, created);
}

function deliveriesSection(status) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'deliveries' });
  const filter = h('select', { id: 'delivery-status', name: 'status' },
    STATUSES.map((s) => h('option', { value: s, selected: s === status }, s || 'Any status')));
  filter.addEventListener('change', () => navigate('/webhooks', { status: filter.value }));
  const list = h('ul', { class: 'delivery-list' });
  const footer = h('div', { class: 'list-footer' });
  const body = h('div');
  let token = '';

  function row(delivery) {
    const result = h('span', { class: 'form-result', role: 'status' });
    const line = h('li', { class: 'delivery-row', dataset: { deliveryId: delivery.id } },
      h('div', {}, timeElement(delivery.received_at)),
      h('div', {}, delivery.vendor, ' · ', delivery.event_type || '—'),
      h('div', {}, statusBadge(delivery.status)),
      h('div', { class: 'delivery-error' }, shorten(delivery.error ?? '', 120)),
      h('div', { class: 'actions' },
        h('a', { href: href(`/webhooks/deliveries/${delivery.id}`) }, 'Details'),
        delivery.status === 'failed'
          ? h('button', { type: 'button', class: 'button',
            onclick: () => replay(delivery.id, result, (d) => line.replaceWith(row(d))) }, 'Replay')
          : null,
        result));
    return line;
  }

  async function page(first) {
    if (first) replace(body, loading());
    try {
      const result = await api.listDeliveries({ status, page_size: 50, page_token: token });
      const deliveries = result.deliveries ?? [];
      token = result.next_page_token ?? '';
      if (first && deliveries.length === 0) {
        replace(body, empty(status ? `No ${status} deliveries.` : 'No deliveries yet.'));
        return;
      }
      if (first) replace(body, list, footer);
      list.append(...deliveries.map(row));
      replace(footer, token
        ? h('button', { type: 'button', class: 'button', onclick: () => page(false) }, 'Load more')
        : h('p', { class: 'help' }, 'That is all.'));
    } catch (error) {
      replace(first ? body : footer, errorState(error, () => page(first)));
    }
  }
  page(true);
  return replace(section, h('div', { class: 'section-header' },
    h('h2', { id: 'deliveries' }, 'Deliveries'),
    h('div', { class: 'field' }, h('label', { for: 'delivery-status' }, 'Status'), filter)), body);
}

export function renderWebhooks(main, route) {
  replace(main,
    h('div', { class: 'page-header' }, h('h1', {}, 'Webhook inbox')),
    h('p', { class: 'help' }, 'Every vendor delivery is kept here before it is acknowledged. ',
      'Failed ones can be replayed once the cause is fixed.'),
    deliveriesSection(route.params.get('status') ?? ''),
    sourcesSection());
}
