// The integration run by zapier-platform-core's createAppTester against the whole aievents
// suite with a real PostgreSQL database (tests/browser/console_stack.cc), over real HTTP: no
// mocked responses.
const { after, before, test } = require('node:test');
const assert = require('node:assert/strict');
const zapier = require('zapier-platform-core');
const App = require('../index');

const appTester = zapier.createAppTester(App);
let stack;
let authData;
let otherAuthData;

before(async () => {
  // The shared starter is an ES module; this package is CommonJS, as Zapier apps are.
  const { startStack } = await import('../../../tests/support/console_stack.mjs');
  stack = await startStack();
  const { config } = stack;
  authData = { base_url: `http://127.0.0.1:${config.port}/`, api_key: config.api_key };
  otherAuthData = { ...authData, api_key: config.other_api_key };
});

after(() => stack?.stop());

test('authentication accepts the key and refuses a wrong one', async () => {
  await appTester(App.authentication.test, { authData });
  await assert.rejects(
    appTester(App.authentication.test, { authData: { ...authData, api_key: 'aiev_wrong' } }),
    /API key was refused/,
  );
});

test('Create Customer, then Find Customer by email, phone and name', async () => {
  const created = await appTester(App.creates.customer.operation.perform, {
    authData,
    inputData: { first_name: 'Maria', last_name: 'López', email: 'maria.lopez@example.com', phone: '+1 415 555 0134', },
  });
  assert.ok(created.id);
  for (const inputData of [{ email: 'maria.lopez@example.com' }, { phone: '4155550134' }, { name: 'maria lopez' }]) {
    const found = await appTester(App.searches.customer.operation.perform, { authData, inputData });
    assert.equal(found[0]?.id, created.id, JSON.stringify(inputData));
  }
  const none = await appTester(App.searches.customer.operation.perform, { authData: otherAuthData, inputData: { email: 'maria.lopez@example.com' } });
  assert.deepEqual(none, [], "another tenant's key finds nothing");
});

test('Create AI Event matches the customer, and the same idempotency key replays it', async () => {
  const inputData = {
    customer_email: 'maria.lopez@example.com',
    customer_phone: '',  // unmapped in the Zap
    event_type: 'phone_call',
    source: 'zapier',
    summary: 'Customer called about delayed shipment for order #789.',
    raw_payload: '{"duration": 245}',
    occurred_at: '2026-03-10T14:30:00Z',
    confidence: '0.92',  // Zapier sends numbers as text
    idempotency_key: 'zap-run-1',
  };
  const first = await appTester(App.creates.ai_event.operation.perform, { authData, inputData });
  assert.equal(first.match_method, 'email');
  assert.equal(first.confidence, 0.92);
  const again = await appTester(App.creates.ai_event.operation.perform, {
    authData, inputData: { ...inputData, summary: 'A retry with other text' },
  });
  assert.equal(again.id, first.id, 'a replay, not a duplicate');
  assert.equal(again.summary, first.summary);
});

test('a key made only for Create AI Event (events:write) connects and creates events', async () => {
  const created = await fetch(`${authData.base_url}v1/api-keys`, {
    method: 'POST',
    headers: { 'x-api-key': authData.api_key, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Zapier', scopes: ['events:write'] }),
  });
  assert.equal(created.status, 201);
  const writeOnly = { ...authData, api_key: (await created.json()).secret };
  const self = await appTester(App.authentication.test, { authData: writeOnly });
  assert.deepEqual(self.scopes, ['events:write']);
  assert.match(App.authentication.connectionLabel(null, { authData: writeOnly, inputData: self }),
    /^Zapier \(aiev_/);
  const event = await appTester(App.creates.ai_event.operation.perform, {
    authData: writeOnly,
    inputData: {
      customer_email: 'maria.lopez@example.com', event_type: 'sms', source: 'zapier',
      summary: 'Texted about the delivery window.', raw_payload: '{}',
      occurred_at: '2026-03-11T09:00:00Z', idempotency_key: 'zap-write-only-1',
    },
  });
  assert.equal(event.match_method, 'email', 'matched although the key cannot read customers');
});

test('a refused event names the field and the rule', async () => {
  await assert.rejects(
    appTester(App.creates.ai_event.operation.perform, {
      authData,
      inputData: { customer_email: 'x@example.com', event_type: 'phone_call', source: 'zapier', summary: 's', raw_payload: '{}', occurred_at: '2026-03-10T14:30:00Z', confidence: '7' },
    }),
    /ai_event\.confidence: .*0 to 1/,
  );
});

test("New AI Event and New Unmatched AI Event list newest first (the Zap editor's samples)", async () => {
  const unmatched = await appTester(App.creates.ai_event.operation.perform, {
    authData,
    inputData: { customer_email: 'nobody@example.com', event_type: 'sms', source: 'zapier', summary: 'Unknown texter asked for hours.', raw_payload: '{}', occurred_at: '2026-03-11T09:00:00Z' },
  });
  const all = await appTester(App.triggers.new_ai_event.operation.performList, { authData });
  assert.equal(all[0].id, unmatched.id, 'newest first');
  assert.ok(all.length >= 2);
  assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'ids are unique (Zapier dedupes by id)');
  const queue = await appTester(App.triggers.new_unmatched_ai_event.operation.performList, { authData });
  assert.deepEqual(queue.map((e) => e.id), [unmatched.id]);
  const other = await appTester(App.triggers.new_ai_event.operation.performList, { authData: otherAuthData });
  assert.deepEqual(other, []);
});
