// The instant (REST hook) triggers against the whole suite (console_stack), over real HTTP: Zapier's
// side is played by a receiver on 127.0.0.1 that records each delivery, which is then handed to
// `perform` as Zapier would hand it over. The tests share one stack and run in order.
const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');
const { Webhook } = require('standardwebhooks');
const zapier = require('zapier-platform-core');
const App = require('../index');

const appTester = zapier.createAppTester(App);
const newEvent = App.triggers.new_ai_event.operation;
const newUnmatched = App.triggers.new_unmatched_ai_event.operation;

let stack;
let config;
let authData;
let otherAuthData;
let receiver;
const received = []; // { path, headers, body } in arrival order
const subscribed = {}; // trigger key -> bundle.subscribeData
const events = {}; // 'matched' / 'unmatched' -> the event as created

before(async () => {
  const { startStack } = await import('../../../tests/support/console_stack.mjs');
  stack = await startStack();
  config = stack.config;
  authData = { base_url: `http://127.0.0.1:${config.port}/`, api_key: config.api_key };
  otherAuthData = { ...authData, api_key: config.other_api_key };
  // Stands in for Zapier's hook URLs: records every POST and answers 200.
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

after(() => {
  receiver?.close();
  stack?.stop();
});

const hookUrl = (path) => `http://127.0.0.1:${receiver.address().port}${path}`;

// The API directly, for what the integration does not do itself.
async function api(method, path, { body, key = config.api_key } = {}) {
  const response = await fetch(`http://127.0.0.1:${config.port}${path}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

// Polls until `check` returns something truthy; fails the test when it never does.
async function waitFor(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = check();
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// The first delivery of event `id` to `path` (a retry repeats it with the same webhook-id).
const deliveryOf = (path, id) => received.find((r) => r.path === path && JSON.parse(r.body).data?.id === id);

// A delivery as Zapier passes it to perform: header names in the CGI style Zapier uses
// (`Http-Webhook-Id`), the raw body as text, and the parsed body.
function hookBundle(delivery, subscribeData) {
  const headers = {};
  for (const [name, value] of Object.entries(delivery.headers)) {
    headers[`Http-${name.replace(/(^|-)([a-z])/g, (m, dash, c) => dash + c.toUpperCase())}`] = value;
  }
  return {
    authData,
    subscribeData,
    cleanedRequest: JSON.parse(delivery.body),
    rawRequest: { method: 'POST', headers, content: delivery.body },
  };
}

function createEvent(email, summary) {
  return api('POST', '/v1/ai-events', {
    body: {
      customer_lookup: { email },
      ai_event: { event_type: 'phone_call', source: 'zapier', summary, raw_payload: '{}', occurred_at: '2026-03-12T10:00:00Z' },
    },
  });
}

test('turning a Zap on creates an endpoint for its URL, with the secret kept for later', async () => {
  for (const [operation, key, label] of [[newEvent, 'new_ai_event', 'New AI Event'], [newUnmatched, 'new_unmatched_ai_event', 'New Unmatched AI Event']]) {
    const data = await appTester(operation.performSubscribe, { authData, targetUrl: hookUrl(`/${key}`), meta: { zap: { id: 4242 } } });
    assert.equal(data.url, hookUrl(`/${key}`));
    assert.deepEqual(data.event_types, ['ai_event.created']);
    assert.equal(data.description, `Zapier trigger "${label}" (Zap 4242)`);
    assert.equal(data.status, 'enabled');
    assert.match(data.secret, /^whsec_/);
    subscribed[key] = data;
    const shown = await api('GET', `/v1/webhook-endpoints/${data.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.json.url, data.url);
  }
});

test("another tenant's key can neither see nor delete the endpoints", async () => {
  const { id } = subscribed.new_ai_event;
  assert.equal((await api('GET', `/v1/webhook-endpoints/${id}`, { key: config.other_api_key })).status, 404);
  const ids = async (key) => ((await api('GET', '/v1/webhook-endpoints', { key })).json.webhook_endpoints || []).map((e) => e.id);
  assert.ok((await ids(config.api_key)).includes(id), "listed for its own tenant");
  assert.ok(!(await ids(config.other_api_key)).includes(id), "not listed for the other");
  // Its 404 counts as "already gone" for unsubscribing, yet the endpoint must stay.
  await appTester(newEvent.performUnsubscribe, { authData: otherAuthData, subscribeData: subscribed.new_ai_event });
  assert.equal((await api('GET', `/v1/webhook-endpoints/${id}`)).status, 200);
});

test('New AI Event returns each delivered event exactly as the API shows it', async () => {
  const customer = await api('POST', '/v1/customers', { body: { email: 'ana.ruiz@example.com', first_name: 'Ana', last_name: 'Ruiz' } });
  assert.equal(customer.status, 201);
  const matched = await createEvent('ana.ruiz@example.com', 'Ana asked to reschedule.');
  const unmatched = await createEvent('stranger@example.com', 'Unknown caller asked for prices.');
  assert.equal(matched.status, 201);
  assert.equal(unmatched.status, 201);
  assert.equal(matched.json.customer_id, customer.json.id);
  assert.equal(unmatched.json.customer_id, null);
  events.matched = matched.json;
  events.unmatched = unmatched.json;

  for (const event of [events.matched, events.unmatched]) {
    const delivery = await waitFor(`the delivery of ${event.id}`, () => deliveryOf('/new_ai_event', event.id));
    assert.equal(JSON.parse(delivery.body).type, 'ai_event.created');
    const results = await appTester(newEvent.perform, hookBundle(delivery, subscribed.new_ai_event));
    const shown = await api('GET', `/v1/ai-events/${event.id}`);
    assert.equal(shown.status, 200);
    assert.deepEqual(results, [shown.json]);
  }
});

test('standardwebhooks verifies a real delivery with the endpoint secret', async () => {
  const delivery = deliveryOf('/new_ai_event', events.matched.id);
  assert.ok(delivery, 'delivered (previous test)');
  assert.match(delivery.headers['webhook-id'], /^msg_/);
  const verified = new Webhook(subscribed.new_ai_event.secret).verify(delivery.body, delivery.headers);
  assert.deepEqual(verified, JSON.parse(delivery.body));
  assert.throws(() => new Webhook(subscribed.new_unmatched_ai_event.secret).verify(delivery.body, delivery.headers),
    /No matching signature/, "another endpoint's secret does not verify it");
});

test('New Unmatched AI Event returns only the event without a customer', async () => {
  const results = [];
  for (const event of [events.matched, events.unmatched]) {
    const delivery = await waitFor(`the delivery of ${event.id}`, () => deliveryOf('/new_unmatched_ai_event', event.id));
    results.push(await appTester(newUnmatched.perform, hookBundle(delivery, subscribed.new_unmatched_ai_event)));
  }
  assert.deepEqual(results[0], [], 'the matched event is left out');
  assert.deepEqual(results[1].map((e) => e.id), [events.unmatched.id]);
  assert.equal(results[1][0].customer_id, null);
});

test('perform refuses a message whose signature does not verify', async () => {
  const delivery = deliveryOf('/new_ai_event', events.unmatched.id);
  const genuine = hookBundle(delivery, subscribed.new_ai_event);
  const tampered = delivery.body.replace('Unknown caller', 'Known caller');
  assert.notEqual(tampered, delivery.body);
  const refusals = {
    'a tampered body': { ...genuine, rawRequest: { ...genuine.rawRequest, content: tampered }, cleanedRequest: JSON.parse(tampered) },
    "another endpoint's secret": { ...genuine, subscribeData: subscribed.new_unmatched_ai_event },
    'no signature headers': { ...genuine, rawRequest: { ...genuine.rawRequest, headers: {} } },
    'no raw request': { ...genuine, rawRequest: undefined },
  };
  for (const [what, bundle] of Object.entries(refusals)) {
    await assert.rejects(appTester(newEvent.perform, bundle), /not signed by aievents/, what);
    await assert.rejects(appTester(newUnmatched.perform, bundle), /not signed by aievents/, what);
  }
  // The event comes from the signed bytes: an altered parsed copy is not what the Zap gets.
  const altered = { ...genuine, cleanedRequest: JSON.parse(tampered) };
  assert.equal((await appTester(newEvent.perform, altered))[0].summary, events.unmatched.summary);
  // Unprefixed, lower-case header names (another way to receive them) verify too.
  const plain = { ...genuine, rawRequest: { content: delivery.body, headers: delivery.headers } };
  assert.equal((await appTester(newEvent.perform, plain))[0].id, events.unmatched.id);
});

test('a correctly signed message of another type starts nothing', async () => {
  // Signed here with each endpoint's own secret, as aievents would sign it.
  const body = JSON.stringify({ type: 'ai_event.associated', timestamp: new Date().toISOString(), data: events.unmatched });
  for (const [operation, key] of [[newEvent, 'new_ai_event'], [newUnmatched, 'new_unmatched_ai_event']]) {
    const now = new Date();
    const headers = {
      'webhook-id': 'msg_test', 'webhook-timestamp': String(Math.floor(now / 1000)),
      'webhook-signature': new Webhook(subscribed[key].secret).sign('msg_test', now, body),
    };
    const bundle = { authData, subscribeData: subscribed[key], cleanedRequest: JSON.parse(body), rawRequest: { headers, content: body } };
    assert.deepEqual(await appTester(operation.perform, bundle), [], key);
    // The same message as ai_event.created does start the Zap: the type alone made the difference.
    const created = body.replace('ai_event.associated', 'ai_event.created');
    headers['webhook-signature'] = new Webhook(subscribed[key].secret).sign('msg_test', now, created);
    const results = await appTester(operation.perform, { ...bundle, rawRequest: { headers, content: created } });
    assert.deepEqual(results.map((e) => e.id), [events.unmatched.id], key);
  }
});

test('turning a Zap off deletes its endpoint, and nothing more is delivered to it', async () => {
  for (const [operation, key] of [[newEvent, 'new_ai_event'], [newUnmatched, 'new_unmatched_ai_event']]) {
    await appTester(operation.performUnsubscribe, { authData, subscribeData: subscribed[key] });
    assert.equal((await api('GET', `/v1/webhook-endpoints/${subscribed[key].id}`)).status, 404);
    // Zapier may unsubscribe again (a retry): already gone is fine.
    await appTester(operation.performUnsubscribe, { authData, subscribeData: subscribed[key] });
  }
  // A control endpoint still subscribed shows when the new event has been delivered, so the
  // silence of the deleted ones below is not just slowness.
  const control = await api('POST', '/v1/webhook-endpoints', { body: { url: hookUrl('/control'), event_types: ['ai_event.created'] } });
  assert.equal(control.status, 201);
  const later = await createEvent('stranger@example.com', 'Unknown caller rang again.');
  assert.equal(later.status, 201);
  await waitFor('the control delivery', () => deliveryOf('/control', later.json.id));
  await sleep(2000);
  assert.deepEqual(received.filter((r) => r.path !== '/control' && JSON.parse(r.body).data?.id === later.json.id), []);
  assert.equal((await api('DELETE', `/v1/webhook-endpoints/${control.json.id}`)).status, 204);
});
