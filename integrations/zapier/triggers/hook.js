// Instant (REST hook) triggers on aievents' outbound webhooks: turning a Zap on subscribes its
// Zapier URL as a webhook endpoint, and every delivery's signature is checked before the Zap
// runs, so a forged POST to that URL starts nothing.
const { Webhook } = require('standardwebhooks');
const { baseUrl, throwApiError } = require('../http');

const EVENT_CREATED = 'ai_event.created';

// Zap turned on: one endpoint for Zapier's URL. Zapier keeps the answer as
// bundle.subscribeData, the only place the signing secret is ever shown.
async function subscribe(z, bundle, triggerLabel) {
  const zapId = bundle.meta && bundle.meta.zap && bundle.meta.zap.id;
  const response = await z.request({
    method: 'POST',
    url: `${baseUrl(bundle)}/v1/webhook-endpoints`,
    body: {
      url: bundle.targetUrl,
      event_types: [EVENT_CREATED],
      // Names the Zap in the endpoint list, so an operator knows what owns it.
      description: `Zapier trigger "${triggerLabel}"${zapId ? ` (Zap ${zapId})` : ''}`,
    },
  });
  return response.data;
}

// Zap turned off: delete the endpoint. A 404 means it is gone already, which is the goal.
async function unsubscribe(z, bundle) {
  const response = await z.request({
    method: 'DELETE',
    url: `${baseUrl(bundle)}/v1/webhook-endpoints/${encodeURIComponent(bundle.subscribeData.id)}`,
    skipThrowForStatus: true,
  });
  if (response.status >= 400 && response.status !== 404) throwApiError(response, z);
  return {};
}

// Zapier hands a hook's request headers over under CGI-style names (`Http-Webhook-Id` for
// `webhook-id`); standardwebhooks ignores case but wants the plain names, so the prefix goes.
function standardHeaders(headers) {
  const plain = {};
  for (const [name, value] of Object.entries(headers || {})) {
    plain[name.toLowerCase().replace(/_/g, '-').replace(/^http-/, '')] = value;
  }
  return plain;
}

// The delivered message, parsed from the raw body only once its Standard Webhooks signature
// proves aievents signed it with this endpoint's secret, less than 5 minutes ago.
function verifiedMessage(z, bundle) {
  const raw = bundle.rawRequest || {};
  const secret = bundle.subscribeData && bundle.subscribeData.secret;
  try {
    if (!secret) throw new Error('no signing secret was kept when the Zap was turned on');
    return new Webhook(secret).verify(raw.content, standardHeaders(raw.headers)) || {};
  } catch (e) {
    throw new z.errors.Error(`Refused a message not signed by aievents: ${e.message}`, 'InvalidSignature', 401);
  }
}

// The events a delivery carries: the event of an ai_event.created message (from the signed
// bytes, not Zapier's parsed copy, though they are the same), nothing for any other type.
function deliveredEvents(z, bundle) {
  const message = verifiedMessage(z, bundle);
  return message.type === EVENT_CREATED && message.data ? [message.data] : [];
}

module.exports = { subscribe, unsubscribe, deliveredEvents, standardHeaders };
