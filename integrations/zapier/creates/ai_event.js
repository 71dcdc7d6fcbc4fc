// Create AI Event: the seed's request (customer_lookup + ai_event), one field each.
const { baseUrl } = require('../http');
const { aiEvent } = require('../samples');

const EVENT_TYPES = {
  phone_call: 'Phone call', sms: 'SMS', email: 'Email', chat: 'Chat', workflow: 'Workflow',
  note: 'Note', review: 'Review', escalation: 'Escalation', other: 'Other',
};

// The request body from the step's fields; unmapped fields are left out.
function requestBody(input) {
  const pick = (fields) => Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  );
  return {
    customer_lookup: pick({
      email: input.customer_email,
      phone: input.customer_phone,
      first_name: input.customer_first_name,
      last_name: input.customer_last_name,
      customer_id: input.customer_id,
    }),
    ai_event: pick({
      event_type: input.event_type,
      source: input.source,
      summary: input.summary,
      raw_payload: input.raw_payload,
      occurred_at: input.occurred_at,
      confidence: input.confidence,
      source_eid: input.source_eid,
      idempotency_key: input.idempotency_key,
    }),
  };
}

module.exports = {
  key: 'ai_event',
  noun: 'AI Event',
  display: {
    label: 'Create AI Event',
    description: "Logs what an AI agent did with a customer on that customer's timeline (matched by email, then phone, then name).",
  },
  operation: {
    inputFields: [
      { key: 'customer_email', label: 'Customer Email', helpText: 'Matched first. At least one of email, phone, first + last name or customer ID is needed.' },
      { key: 'customer_phone', label: 'Customer Phone', helpText: 'Matched second; any format (`+1 (555) 867-5309`).' },
      { key: 'customer_first_name', label: 'Customer First Name', helpText: 'Matched third, together with the last name.' },
      { key: 'customer_last_name', label: 'Customer Last Name' },
      { key: 'customer_id', label: 'Customer ID', helpText: 'An aievents customer ID, when you already know it: used as is.' },
      { key: 'event_type', label: 'Event Type', required: true, choices: EVENT_TYPES, default: 'phone_call' },
      { key: 'source', label: 'Source', required: true, helpText: 'The tool that produced the event, e.g. `retell`, `vapi`, `zapier`. At most 100 characters.' },
      { key: 'summary', label: 'Summary', required: true, type: 'text', helpText: 'What happened, shown on the timeline. At most 500 characters.' },
      { key: 'raw_payload', label: 'Raw Payload', required: true, type: 'text', helpText: 'The full details (a transcript, JSON). At most 5,000 characters. Use `{}` when there is nothing.' },
      { key: 'occurred_at', label: 'Occurred At', required: true, type: 'datetime', helpText: 'When it happened.' },
      { key: 'confidence', label: 'Confidence', type: 'number', helpText: "The AI's confidence, from 0 to 1." },
      { key: 'source_eid', label: 'Source Event ID', helpText: "The source's own ID for the event (a call ID)." },
      { key: 'idempotency_key', label: 'Idempotency Key', helpText: 'Sending the same key again returns the first event instead of a duplicate. Left empty, one is derived from the content, so Zapier retries never duplicate.' },
    ],
    perform: async (z, bundle) => {
      const response = await z.request({
        method: 'POST',
        url: `${baseUrl(bundle)}/v1/ai-events`,
        body: requestBody(bundle.inputData),
      });
      return response.data;
    },
    sample: aiEvent,
  },
};
