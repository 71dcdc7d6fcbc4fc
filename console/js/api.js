// The console's only way to the server: the public HTTP API, with the API key from
// sessionStorage sent as x-api-key (never in a URL, never in localStorage, so it dies with the
// tab). Errors become ApiError with the API's message and field violations.

const KEY_STORAGE = 'aievents.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function clearApiKey() {
  sessionStorage.removeItem(KEY_STORAGE);
}

export class ApiError extends Error {
  // `missingScope`: on a 403, the scope the key lacks (the API's `error.missing_scope`), so a
  // page can say which permission to ask for.
  constructor(status, message, violations = [], missingScope = '') {
    super(message);
    this.status = status;
    this.violations = violations;
    this.missingScope = missingScope;
  }

  // "customer_id: must be a UUID" lines, or the message when there are none.
  describe() {
    if (this.violations.length === 0) return this.message;
    return this.violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  }
}

// Fired when the server refuses the key, so the app can send the user to sign in.
export const unauthorized = new EventTarget();

// `as: 'blob'`: a successful answer's body as a Blob (a download), not parsed.
async function request(method, path, { body, query, key, signal, as } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = { accept: 'application/json' };
  const usedKey = key ?? apiKey();
  if (usedKey) headers['x-api-key'] = usedKey;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  }
  if (response.ok && as === 'blob') return response.blob();
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = json?.error ?? {};
    const apiError = new ApiError(
      response.status,
      error.message ?? `The server answered ${response.status}.`,
      error.field_violations ?? [],
      error.missing_scope ?? '',
    );
    if (response.status === 401 && key === undefined) {
      unauthorized.dispatchEvent(new Event('unauthorized'));
    }
    throw apiError;
  }
  return json;
}

export const api = {
  // A cheap authenticated call: does this key work?
  checkKey: (key) => request('GET', '/v1/ai-events', { key, query: { page_size: 1 } }),

  listEvents: (query, signal) => request('GET', '/v1/ai-events', { query, signal }),
  countEvents: (matched) => request('GET', '/v1/ai-events:count', { query: { matched } }),
  getEvent: (id) => request('GET', `/v1/ai-events/${encodeURIComponent(id)}`),
  candidates: (id) => request('GET', `/v1/ai-events/${encodeURIComponent(id)}/candidates`),
  associate: (id, customerId) =>
    request('POST', `/v1/ai-events/${encodeURIComponent(id)}:associate`, {
      body: { customer_id: customerId },
    }),

  searchCustomers: (q, signal) =>
    request('GET', '/v1/customers', { query: { q, page_size: 10 }, signal }),
  getCustomer: (id) => request('GET', `/v1/customers/${encodeURIComponent(id)}`),
  createCustomer: (fields) => request('POST', '/v1/customers', { body: fields }),
  updateCustomer: (id, fields) =>
    request('PATCH', `/v1/customers/${encodeURIComponent(id)}`, { body: fields }),
  // 200 with `complete: true`, or 202 with `complete: false` while the rest goes on in the
  // background; the counts are in the body either way.
  // Everything held about them, one JSON document (streamed by the server), as a Blob.
  exportCustomer: (id) =>
    request('GET', `/v1/customers/${encodeURIComponent(id)}:export`, { as: 'blob' }),
  eraseCustomer: (id, { suppress = false } = {}) =>
    request('DELETE', `/v1/customers/${encodeURIComponent(id)}`,
      { query: { suppress: suppress ? 'true' : undefined } }),
  customerEvents: (id, query, signal) =>
    request('GET', `/v1/customers/${encodeURIComponent(id)}/ai-events`, { query, signal }),

  listSources: () => request('GET', '/v1/webhook-sources'),
  createSource: (fields) => request('POST', '/v1/webhook-sources', { body: fields }),
  rotateSecret: (id, secret) =>
    request('POST', `/v1/webhook-sources/${encodeURIComponent(id)}:rotate-secret`, {
      body: { signing_secret: secret },
    }),
  disableSource: (id) =>
    request('POST', `/v1/webhook-sources/${encodeURIComponent(id)}:disable`, { body: {} }),
  listDeliveries: (query) => request('GET', '/v1/webhook-deliveries', { query }),
  getDelivery: (id) => request('GET', `/v1/webhook-deliveries/${encodeURIComponent(id)}`),
  replayDelivery: (id) =>
    request('POST', `/v1/webhook-deliveries/${encodeURIComponent(id)}:replay`, { body: {} }),

  // Outbound: where the tenant's events are sent (not the inbox's vendor sources above).
  listEndpoints: () => request('GET', '/v1/webhook-endpoints'),
  getEndpoint: (id) => request('GET', `/v1/webhook-endpoints/${encodeURIComponent(id)}`),
  createEndpoint: (fields) => request('POST', '/v1/webhook-endpoints', { body: fields }),
  updateEndpoint: (id, fields) =>
    request('PATCH', `/v1/webhook-endpoints/${encodeURIComponent(id)}`, { body: fields }),
  deleteEndpoint: (id) => request('DELETE', `/v1/webhook-endpoints/${encodeURIComponent(id)}`),
  rotateEndpointSecret: (id) =>
    request('POST', `/v1/webhook-endpoints/${encodeURIComponent(id)}:rotate-secret`, { body: {} }),
  endpointAttempts: (id, query) =>
    request('GET', `/v1/webhook-endpoints/${encodeURIComponent(id)}/attempts`, { query }),
  recoverEndpoint: (id, since) =>
    request('POST', `/v1/webhook-endpoints/${encodeURIComponent(id)}:recover`, { body: { since } }),
};
