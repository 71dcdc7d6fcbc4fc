// The console's shell: sign-in gate, navigation, and one view at a time by route.
import { apiKey, clearApiKey, unauthorized } from './api.js';
import { errorState, replace } from './dom.js';
import { currentRoute, navigate } from './router.js';
import { renderSignIn } from './views/sign_in.js';
import { renderEvents } from './views/events.js';
import { renderEventDetails } from './views/event_details.js';
import { renderCustomers } from './views/customers.js';
import { renderCustomerDetails } from './views/customer_details.js';
import { renderWebhooks } from './views/webhooks.js';
import { renderDelivery } from './views/delivery.js';
import { renderWebhookEndpoints } from './views/webhook_endpoints.js';
import { renderWebhookEndpointDetails } from './views/webhook_endpoint_details.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;

function pick(route) {
  const [section, id, sub] = route.segments;
  if (section === 'signin') return renderSignIn;
  if (section === 'events') return id ? renderEventDetails : renderEvents;
  if (section === 'customers') return id ? renderCustomerDetails : renderCustomers;
  if (section === 'webhooks') return id === 'deliveries' && sub ? renderDelivery : renderWebhooks;
  if (section === 'webhook-endpoints') return id ? renderWebhookEndpointDetails : renderWebhookEndpoints;
  return null;
}

function render() {
  const route = currentRoute();
  if (cleanup) cleanup();
  cleanup = null;
  const signedIn = Boolean(apiKey());
  nav.hidden = !signedIn;
  if (!signedIn && route.segments[0] !== 'signin') {
    navigate('/signin', { next: window.location.hash.slice(1) }, { replace: true });
    return;
  }
  for (const link of nav.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === route.segments[0]) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = pick(route);
  if (!view) {
    replace(main, errorState(new Error('There is no such page.')));
    return;
  }
  try {
    cleanup = view(main, route) ?? null;
  } catch (error) {
    replace(main, errorState(error));
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  clearApiKey();
  navigate('/signin');
});

unauthorized.addEventListener('unauthorized', () => {
  clearApiKey();
  navigate('/signin', { expired: '1' });
});

window.addEventListener('hashchange', render);
render();
