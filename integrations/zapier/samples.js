// What the API answers, as samples for the Zap editor.
const aiEvent = {
  id: '01a20229-5100-724d-8c94-fafc3ec47925',
  customer_id: '01a2021e-1804-7219-9459-4e158d224f2d',
  match_method: 'email',
  matched_value: 'maria.lopez@example.com',
  event_type: 'phone_call',
  source: 'retell',
  summary: 'Customer called about delayed shipment for order #789.',
  raw_payload: '{"duration":245}',
  confidence: 0.92,
  source_eid: 'call_8f2a',
  idempotency_key: 'retell-call_8f2a',
  occurred_at: '2026-03-10T14:30:00Z',
  received_at: '2026-03-10T14:30:02.125Z',
  customer_lookup: {
    email: 'maria.lopez@example.com', phone: null, first_name: null, last_name: null, customer_id: null,
  },
  associations: [],
};

const customer = {
  id: '01a2021e-1804-7219-9459-4e158d224f2d',
  email: 'maria.lopez@example.com',
  phone: '+1 415 555 0134',
  first_name: 'Maria',
  last_name: 'Lopez',
  email_normalized: 'maria.lopez@example.com',
  phone_e164: '+14155550134',
  name_normalized: 'maria lopez',
  created_at: '2026-03-01T09:00:00Z',
};

module.exports = { aiEvent, customer };
