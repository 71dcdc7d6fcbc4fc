// docs/openapi.json: valid by a real OpenAPI validator (@apidevtools/swagger-parser), served at
// GET /openapi.json, and describing what the API really answers: real requests against the
// whole suite (console_stack) have their bodies checked against the documented schemas (ajv,
// JSON Schema 2020-12, as OpenAPI 3.1 uses).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startStack } from '../support/console_stack.mjs';

const documentPath = new URL('../../docs/openapi.json', import.meta.url);
const document = JSON.parse(readFileSync(documentPath, 'utf8'));
let stack;
let base;
let key;

before(async () => {
  stack = await startStack();
  base = `http://127.0.0.1:${stack.config.port}`;
  key = stack.config.api_key;
});

after(() => stack?.stop());

test('the document is valid OpenAPI 3.1', async () => {
  const api = await SwaggerParser.validate(structuredClone(document));
  assert.equal(api.openapi, '3.1.0');
  assert.ok(Object.keys(api.paths).length >= 16);
});

test('the gateway serves the same document at /openapi.json', async () => {
  const response = await fetch(`${base}/openapi.json`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /application\/json/);
  assert.deepEqual(await response.json(), document);
});

// The schemas, as one JSON Schema whose $defs are the components.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('int32', true);
ajv.addFormat('int64', true);
ajv.addSchema(JSON.parse(JSON.stringify({ $id: 'aievents', $defs: document.components.schemas })
  .replaceAll('#/components/schemas/', 'aievents#/$defs/')));

// The documented response of `method template` for `status`.
function responseSchema(method, template, status) {
  const operation = document.paths[template]?.[method];
  assert.ok(operation, `${method.toUpperCase()} ${template} is documented`);
  const response = operation.responses[String(status)] ?? operation.responses.default;
  assert.ok(response, `${method.toUpperCase()} ${template} documents ${status}`);
  const schema = response.content?.['application/json']?.schema;
  return JSON.parse(JSON.stringify(schema ?? {}).replaceAll('#/components/schemas/', 'aievents#/$defs/'));
}

async function conforms(method, path, template, body, expectedStatus) {
  const response = await fetch(`${base}${path}`, {
    method: method.toUpperCase(),
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.equal(response.status, expectedStatus, `${method} ${path}: ${text}`);
  const json = text ? JSON.parse(text) : null;
  const validate = ajv.compile(responseSchema(method, template, response.status));
  assert.ok(validate(json), `${method.toUpperCase()} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}\n${text}`);
  return json;
}

test('real answers conform to the documented schemas', async () => {
  const customer = await conforms('post', '/v1/customers', '/v1/customers',
    { first_name: 'Maria', last_name: 'Lopez', email: 'maria.lopez@example.com' }, 201);
  const event = await conforms('post', '/v1/ai-events', '/v1/ai-events', {
    customer_lookup: { email: 'maria.lopez@example.com' },
    ai_event: { event_type: 'phone_call', source: 'retell', summary: 'Called about order #789.',
      raw_payload: '{}', occurred_at: '2026-03-10T14:30:00Z', confidence: 0.9 },
  }, 201);
  const unmatched = await conforms('post', '/v1/ai-events', '/v1/ai-events', {
    customer_lookup: { phone: '+1 212 555 0199' },
    ai_event: { event_type: 'sms', source: 'twilio', summary: 'Who is this?', raw_payload: 'text',
      occurred_at: '2026-03-10T15:30:00Z' },
  }, 201);
  await conforms('get', `/v1/ai-events/${event.id}`, '/v1/ai-events/{id}', null, 200);
  await conforms('get', '/v1/ai-events?matched=false', '/v1/ai-events', null, 200);
  await conforms('get', `/v1/customers/${customer.id}/ai-events`, '/v1/customers/{customer_id}/ai-events', null, 200);
  await conforms('get', '/v1/ai-events:count?matched=false', '/v1/ai-events:count', null, 200);
  await conforms('get', `/v1/ai-events/${unmatched.id}/candidates`, '/v1/ai-events/{event_id}/candidates', null, 200);
  await conforms('post', `/v1/ai-events/${unmatched.id}:associate`, '/v1/ai-events/{id}:associate',
    { customer_id: customer.id }, 200);
  await conforms('get', '/v1/customers?q=lopez', '/v1/customers', null, 200);
  await conforms('get', `/v1/customers/${customer.id}`, '/v1/customers/{id}', null, 200);
  await conforms('patch', `/v1/customers/${customer.id}`, '/v1/customers/{id}', { phone: '+1 415 555 0134' }, 200);
  await conforms('get', '/v1/webhook-sources', '/v1/webhook-sources', null, 200);
  await conforms('get', '/v1/webhook-deliveries', '/v1/webhook-deliveries', null, 200);
  // Errors have the documented error body.
  await conforms('post', '/v1/ai-events', '/v1/ai-events', { ai_event: { summery: 'x' } }, 400);
  await conforms('get', '/v1/ai-events/01a20237-88b0-7fe9-ba33-96cca45b1b54', '/v1/ai-events/{id}', null, 404);
});
