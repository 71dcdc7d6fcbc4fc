// Customer details: the customer's fields with an edit form, and the AI Events section (their
// timeline, filtered by type, paged, and updated live as events arrive).
import { api } from '../api.js';
import { rememberCustomer } from '../customers_cache.js';
import { errorState, h, loading, replace } from '../dom.js';
import { EVENT_TYPES, customerName, timeElement } from '../format.js';
import { watchCustomer } from '../live.js';
import { navigate } from '../router.js';
import { customerForm } from './customer_form.js';
import { eventList } from './event_list.js';

export function renderCustomerDetails(main, route) {
  const id = route.segments[1];
  const type = route.params.get('event_type') ?? '';
  let stopWatching = null;
  let disposed = false;

  function show(customer) {
    rememberCustomer(customer);
    const title = h('h1', {}, customerName(customer));
    const form = customerForm({
      customer,
      submitText: 'Save changes',
      prefix: 'customer',
      save: async (fields) => {
        const saved = await api.updateCustomer(customer.id, fields);
        rememberCustomer(saved);
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
        timeline));
    const list = eventList(timeline,
      (token) => api.customerEvents(customer.id, { page_size: 25, event_type: type, page_token: token }),
      { emptyText: 'No AI events for this customer yet.', showCustomer: false });
    stopWatching = watchCustomer(customer.id, (event) => {
      if (!type || event.event_type === type) list.prepend(event);
    }, (status) => {
      liveStatus.textContent = { live: '● Live', reconnecting: 'Reconnecting…', off: 'Live updates off' }[status];
      liveStatus.dataset.status = status;
    });
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
