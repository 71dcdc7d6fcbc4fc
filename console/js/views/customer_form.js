// The customer form (create and edit): email, phone, first and last name, with the API's
// field violations shown next to their fields.
import { h } from '../dom.js';

const FIELDS = [
  ['first_name', 'First name', 'text', 'given-name'],
  ['last_name', 'Last name', 'text', 'family-name'],
  ['email', 'Email', 'email', 'email'],
  ['phone', 'Phone', 'tel', 'tel'],
];

// `save(fields)` returns a promise; rejections with violations mark their fields.
export function customerForm({ customer = {}, submitText, save, prefix }) {
  const inputs = {};
  const errors = {};
  const result = h('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, submitText);
  const form = h('form', { class: 'customer-form', novalidate: true },
    FIELDS.map(([name, label, type, autocomplete]) => {
      const id = `${prefix}-${name}`;
      inputs[name] = h('input', { id, name, type, autocomplete, value: customer[name] ?? '',
        'aria-describedby': `${id}-error` });
      errors[name] = h('span', { id: `${id}-error`, class: 'field-error' });
      return h('div', { class: 'field' }, h('label', { for: id }, label), inputs[name], errors[name]);
    }),
    h('div', { class: 'actions' }, submit), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const name of Object.keys(errors)) {
      errors[name].textContent = '';
      inputs[name].removeAttribute('aria-invalid');
    }
    const fields = {};
    for (const [name] of FIELDS) {
      const value = inputs[name].value.trim();
      // Create: blank means absent. Edit: "" clears a stored value (PATCH semantics).
      if (value || customer.id) fields[name] = value;
    }
    submit.disabled = true;
    result.className = 'form-result';
    result.textContent = 'Saving…';
    try {
      await save(fields);
      result.textContent = 'Saved.';
    } catch (error) {
      result.className = 'form-result form-error';
      result.textContent = `Not saved: ${error.describe ? error.describe() : error}`;
      for (const violation of error.violations ?? []) {
        const name = violation.field.split('.').at(-1);
        if (errors[name]) {
          errors[name].textContent = violation.description;
          inputs[name].setAttribute('aria-invalid', 'true');
        }
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
