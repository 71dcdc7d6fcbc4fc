// Sign in with an API key: checked against the API before it is kept (in sessionStorage).
import { api, setApiKey } from '../api.js';
import { h, replace } from '../dom.js';
import { currentRoute, navigate } from '../router.js';

export function renderSignIn(main, route) {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'api-key-help sign-in-error',
  });
  const error = h('p', { id: 'sign-in-error', class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in');
  const form = h('form', { class: 'card sign-in', novalidate: true },
    h('h1', {}, 'Sign in'),
    route.params.get('expired')
      ? h('p', { class: 'notice' }, 'Your key was refused. Sign in again.')
      : null,
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { id: 'api-key-help', class: 'help' },
      'The key is kept in this tab only and is forgotten when you sign out or close the tab.'),
    error,
    submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = 'Enter an API key.';
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Checking…';
    error.textContent = '';
    try {
      await api.checkKey(key);
      setApiKey(key);
      const next = currentRoute().params.get('next');
      if (next && next.startsWith('/') && !next.startsWith('/signin')) {
        window.location.hash = `#${next}`;
      } else {
        navigate('/events');
      }
    } catch (failure) {
      error.textContent = failure.status === 401
        ? 'This API key is not valid. Check it and try again.'
        : failure.describe?.() ?? String(failure);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });
  replace(main, form);
  input.focus();
}
