// One webhook delivery: status, reason, headers, the raw body, and Replay for a failed one.
import { api } from '../api.js';
import { errorState, h, loading, replace } from '../dom.js';
import { prettyPayload, timeElement } from '../format.js';
import { href } from '../router.js';
import { replay, statusBadge } from './webhooks.js';

export function renderDelivery(main, route) {
  const id = route.segments[2];
  async function load() {
    replace(main, loading());
    try {
      show(await api.getDelivery(id));
    } catch (error) {
      replace(main, h('p', {}, h('a', { href: '#/webhooks' }, '← Webhook inbox')),
        errorState(error.status === 404 ? new Error('This delivery does not exist.') : error,
          error.status === 404 ? null : load));
    }
  }
  function show(d) {
    const result = h('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
    const body = prettyPayload(d.body);
    replace(main,
      h('p', {}, h('a', { href: '#/webhooks' }, '← Webhook inbox')),
      h('div', { class: 'page-header' }, h('h1', {}, `${d.vendor} · ${d.event_type || 'delivery'}`),
        statusBadge(d.status)),
      h('section', { class: 'card' }, h('dl', { class: 'fields' },
        h('dt', {}, 'Received'), h('dd', {}, timeElement(d.received_at)),
        h('dt', {}, 'Processed'), h('dd', {}, d.processed_at ? timeElement(d.processed_at) : '—'),
        h('dt', {}, 'Attempts'), h('dd', {}, String(d.attempts ?? 0)),
        h('dt', {}, 'Reason'), h('dd', {}, d.error || '—'),
        h('dt', {}, 'Message id'), h('dd', {}, h('code', {}, d.message_id)),
        h('dt', {}, 'AI event'), h('dd', {}, d.event_id
          ? h('a', { href: href(`/events/${d.event_id}`) }, 'Open the event') : '—')),
      d.status === 'failed'
        ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button-primary',
          onclick: () => replay(d.id, result, () => setTimeout(load, 800)) }, 'Replay'))
        : null,
      result),
      h('section', { class: 'card' }, h('h2', {}, 'Headers'),
        h('pre', { class: 'payload', tabindex: '0' },
          Object.entries(d.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n'))),
      h('section', { class: 'card' }, h('h2', {}, body.json ? 'Body (JSON)' : 'Body (text)'),
        h('pre', { class: 'payload', tabindex: '0' }, body.text)));
  }
  load();
}
