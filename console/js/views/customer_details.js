// Customer details: the customer's fields with an edit form, the AI Events section (their
// timeline, filtered by type, paged, and updated live as events arrive), the export of their
// data, and the danger zone to erase them.
import { api } from '../api.js';
import { rememberCustomer } from '../customers_cache.js';
import { errorState, h, loading, replace } from '../dom.js';
import { EVENT_TYPES, customerName, timeElement } from '../format.js';
import { watchCustomer } from '../live.js';
import { navigate } from '../router.js';
import { customerForm } from './customer_form.js';
import { eraseSection, erasureSummary } from './erase_customer.js';
import { eventList } from './event_list.js';
import { exportSection } from './export_customer.js';

export function renderCustomerDetails(main, route) {
  const id = route.segments[1];
  const type = route.params.get('event_type') ?? '';
  let stopWatching = null;
  let disposed = false;

  function show(customer) {
    rememberCustomer(customer);
    let shown = customer;  // as saved last, for the erase confirmation to name
    // The events the timeline has loaded (and live ones): the erase confirmation's count, exact
    // only when the whole timeline is loaded and not filtered by type.
    const seen = new Set();
    let loadedAll = false;
    const title = h('h1', {}, customerName(customer));
    const form = customerForm({
      customer,
      submitText: 'Save changes',
      prefix: 'customer',
      save: async (fields) => {
        const saved = await api.updateCustomer(customer.id, fields);
        rememberCustomer(saved);
        shown = saved;
        title.textContent = customerName(saved);
      },
    });
    const typeSelect = h('select', { id: 'timeline-type', name: 'event_type' },
      h('option', { value: '' }, 'All types'),
      Object.entries(EVENT_TYPES).map(([value, t]) =>
        h('option', { value, selected: value === type }, t.label)));
    typeSelect.addEventListener('change', () =>
      navigate(`/customers/${customer.id}`, { event_type: typeSelect.value }));
    const liveStatus = h('span', { class: 'live-status', role: 'status' }, 'Connecting…');
    const timeline = h('div');
    replace(main,
      h('p', {}, h('a', { href: '#/customers' }, '← Customers')),
      h('div', { class: 'page-header' }, title),
      route.params.get('created') ? h('p', { class: 'notice', role: 'status' }, 'Customer created.') : null,
      h('section', { class: 'card', 'aria-labelledby': 'customer-fields' },
        h('h2', { id: 'customer-fields' }, 'Details'),
        h('p', { class: 'help' }, 'Customer since ', timeElement(customer.created_at)),
        form),
      h('section', { class: 'card timeline', 'aria-labelledby': 'ai-events' },
        h('div', { class: 'section-header' },
          h('h2', { id: 'ai-events' }, 'AI Events'), liveStatus),
        h('div', { class: 'field field-narrow' },
          h('label', { for: 'timeline-type' }, 'Type'), typeSelect),
        timeline),
      exportSection({ customerId: customer.id }),
      eraseSection({
        current: () => shown,
        events: () => (type ? null : { count: seen.size, exact: loadedAll }),
        onErased: (result, suppressAsked) => erased(shown, result, suppressAsked),
      }));
    const list = eventList(timeline, async (token) => {
      const page = await api.customerEvents(customer.id,
        { page_size: 25, event_type: type, page_token: token });
      for (const event of page.ai_events ?? []) seen.add(event.id);
      loadedAll = !page.next_page_token;
      return page;
    }, { emptyText: 'No AI events for this customer yet.', showCustomer: false });
    stopWatching = watchCustomer(customer.id, (event) => {
      seen.add(event.id);
      if (!type || event.event_type === type) list.prepend(event);
    }, (status) => {
      liveStatus.textContent = { live: '● Live', reconnecting: 'Reconnecting…', off: 'Live updates off' }[status];
      liveStatus.dataset.status = status;
    });
  }

  // The customer is gone: the result in place of their page, with nothing left to act on.
  function erased(customer, result, suppressAsked) {
    if (stopWatching) stopWatching();
    stopWatching = null;
    if (disposed) return;
    const heading = h('h1', { tabindex: '-1' },
      result.complete === false ? 'Erasure under way' : 'Customer erased');
    replace(main,
      h('p', {}, h('a', { href: '#/customers' }, '← Customers')),
      h('div', { class: 'page-header' }, heading),
      h('div', { class: 'notice erase-result', role: 'status' },
        h('p', {}, h('strong', {}, customerName(customer)),
          ' is gone from your customers, and no event is matched to them any more.'),
        erasureSummary(result, suppressAsked).map((line) => h('p', {}, line))));
    heading.focus();
  }

  async function load() {
    replace(main, loading());
    try {
      const customer = await api.getCustomer(id);
      if (!disposed) show(customer);
    } catch (error) {
      if (!disposed) {
        replace(main, h('p', {}, h('a', { href: '#/customers' }, '← Customers')),
          errorState(error.status === 404 ? new Error('This customer does not exist.') : error,
            error.status === 404 ? null : load));
      }
    }
  }

  load();
  return () => {
    disposed = true;
    if (stopWatching) stopWatching();
  };
}
