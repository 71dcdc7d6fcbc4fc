// The Customers page: search by name, email or phone, and create a customer.
import { api } from '../api.js';
import { rememberCustomer } from '../customers_cache.js';
import { empty, errorState, h, loading, replace } from '../dom.js';
import { customerDetail, customerName, formatTime } from '../format.js';
import { href, navigate } from '../router.js';
import { customerForm } from './customer_form.js';

export function renderCustomers(main, route) {
  const q = route.params.get('q') ?? '';
  const input = h('input', { id: 'customer-q', name: 'q', type: 'search', value: q,
    placeholder: 'Name, email or phone (2+ characters)', minlength: 2 });
  const search = h('form', { class: 'filters', role: 'search', 'aria-label': 'Search customers' },
    h('div', { class: 'field field-grow' }, h('label', { for: 'customer-q' }, 'Search'), input),
    h('div', { class: 'field field-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Search')));
  search.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate('/customers', { q: input.value.trim() });
  });
  const results = h('section', { 'aria-label': 'Search results' });
  const create = customerForm({
    submitText: 'Create customer',
    prefix: 'new-customer',
    save: async (fields) => {
      const customer = await api.createCustomer(fields);
      rememberCustomer(customer);
      navigate(`/customers/${customer.id}`, { created: '1' });
    },
  });
  replace(main,
    h('div', { class: 'page-header' }, h('h1', {}, 'Customers')),
    search, results,
    h('details', { class: 'card', open: route.params.get('new') === '1' },
      h('summary', {}, h('h2', { class: 'inline' }, 'New customer')), create));

  async function load() {
    if (q.length < 2) {
      replace(results, empty('Search for a customer by name, email or phone.'));
      return;
    }
    replace(results, loading());
    try {
      const found = (await api.searchCustomers(q)).customers ?? [];
      if (found.length === 0) {
        replace(results, empty(`No customer matches “${q}”.`));
        return;
      }
      replace(results, h('ul', { class: 'customer-list' }, found.map((customer) => {
        rememberCustomer(customer);
        return h('li', {},
          h('a', { href: href(`/customers/${customer.id}`) }, customerName(customer)),
          h('span', { class: 'option-detail' }, customerDetail(customer)),
          h('span', { class: 'help' }, `since ${formatTime(customer.created_at)}`));
      })));
    } catch (error) {
      replace(results, errorState(error, load));
    }
  }
  load();
}
