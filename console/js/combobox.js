// The customer dropdown: an ARIA 1.2 combobox (input + listbox). Opening it shows the event's
// ranked candidates; typing narrows them and adds the tenant's customer search results.
// Keyboard: Down/Up move, Enter picks, Escape closes, Tab leaves.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { customerDetail, customerName } from './format.js';

let nextId = 0;

function matches(customer, text) {
  const needle = text.toLowerCase();
  return [customerName(customer), customer.email, customer.phone]
    .some((value) => (value ?? '').toLowerCase().includes(needle));
}

// `candidates`: [{customer, score, reason}]. `onPick(customer)` runs when one is chosen.
export function customerCombobox({ label, candidates, onPick }) {
  const id = `combobox-${++nextId}`;
  const input = h('input', {
    id,
    type: 'text',
    role: 'combobox',
    autocomplete: 'off',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': `${id}-listbox`,
    placeholder: 'Type a name, email or phone',
  });
  const listbox = h('ul', { id: `${id}-listbox`, role: 'listbox', class: 'listbox', hidden: true,
    'aria-label': 'Customers' });
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  let options = [];  // [{customer, reason}]
  let active = -1;
  let searchTimer = null;
  let searchAbort = null;
  let selected = null;

  function optionId(index) { return `${id}-option-${index}`; }

  function setActive(index) {
    active = index;
    for (const [i, node] of [...listbox.children].entries()) {
      node.setAttribute('aria-selected', String(i === index));
    }
    if (index >= 0) {
      input.setAttribute('aria-activedescendant', optionId(index));
      listbox.children[index]?.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function show(list, note) {
    // Search results arrive after the suggestions: the option the user moved to stays active
    // when it is still listed, so an arrow key pressed meanwhile is not lost.
    const activeId = options[active]?.customer.id;
    options = list;
    replace(listbox, list.map((option, index) => h('li', {
      id: optionId(index),
      role: 'option',
      class: 'option',
      'aria-selected': 'false',
      onmousedown: (event) => event.preventDefault(),  // keep focus in the input
      onclick: () => pick(index),
    },
    h('span', { class: 'option-name' }, customerName(option.customer)),
    h('span', { class: 'option-detail' }, customerDetail(option.customer)),
    option.reason ? h('span', { class: 'option-reason' }, option.reason) : null)));
    if (list.length === 0) {
      listbox.append(h('li', { class: 'option option-empty', role: 'presentation' },
        note ?? 'No customers found.'));
    }
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    status.textContent = list.length === 0 ? (note ?? 'No customers found.')
      : `${list.length} customer${list.length === 1 ? '' : 's'} available.`;
    setActive(activeId ? list.findIndex((option) => option.customer.id === activeId) : -1);
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    setActive(-1);
  }

  function pick(index) {
    const option = options[index];
    if (!option) return;
    // A search still under way must not reopen the list over the choice.
    clearTimeout(searchTimer);
    searchAbort?.abort();
    selected = option.customer;
    input.value = customerName(option.customer);
    close();
    onPick(option.customer);
  }

  function ranked(text) {
    return candidates
      .filter((c) => !text || matches(c.customer, text))
      .map((c) => ({ customer: c.customer, reason: `Suggested: ${c.reason}` }));
  }

  function update() {
    const text = input.value.trim();
    if (selected && text !== customerName(selected)) {
      selected = null;
      onPick(null);
    }
    const suggested = ranked(text);
    clearTimeout(searchTimer);
    searchAbort?.abort();
    if (text.length < 2) {
      show(suggested, candidates.length === 0 ? 'No suggestions: type at least 2 characters to search.' : undefined);
      return;
    }
    show(suggested, 'Searching…');
    searchTimer = setTimeout(async () => {
      searchAbort = new AbortController();
      try {
        const result = await api.searchCustomers(text, searchAbort.signal);
        if (input.value.trim() !== text || document.activeElement !== input) return;
        const seen = new Set(suggested.map((o) => o.customer.id));
        const found = (result.customers ?? [])
          .filter((customer) => !seen.has(customer.id))
          .map((customer) => ({ customer, reason: '' }));
        show([...suggested, ...found]);
      } catch (error) {
        if (error.name !== 'AbortError') show(suggested, error.describe?.() ?? 'Search failed.');
      }
    }, 200);
  }

  input.addEventListener('input', update);
  input.addEventListener('focus', () => { if (listbox.hidden) update(); });
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (listbox.hidden) update();
      else if (options.length) setActive((active + 1) % options.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (options.length) setActive(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === 'Enter') {
      if (!listbox.hidden && active >= 0) {
        event.preventDefault();
        pick(active);
      }
    } else if (event.key === 'Escape') {
      if (!listbox.hidden) {
        event.preventDefault();
        close();
      }
    }
  });

  return h('div', { class: 'combobox' },
    h('label', { for: id }, label), input, listbox, status);
}
