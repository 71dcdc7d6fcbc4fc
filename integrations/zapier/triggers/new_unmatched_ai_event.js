// New Unmatched AI Event: events that matched no customer (to follow up on them). It listens to
// the same ai_event.created messages and keeps those without a customer.
const { pollEvents } = require('./poll_events');
const { subscribe, unsubscribe, deliveredEvents } = require('./hook');
const { aiEvent } = require('../samples');

const label = 'New Unmatched AI Event';

module.exports = {
  key: 'new_unmatched_ai_event',
  noun: 'AI Event',
  display: {
    label,
    description: 'Triggers instantly when an AI event is stored without a matching customer.',
  },
  operation: {
    type: 'hook',
    performSubscribe: (z, bundle) => subscribe(z, bundle, label),
    performUnsubscribe: unsubscribe,
    // The event is rendered when it is delivered: one associated before then has a customer
    // and is left out, rightly, as it no longer waits in the unmatched queue.
    perform: (z, bundle) => deliveredEvents(z, bundle).filter((event) => event.customer_id == null),
    performList: (z, bundle) => pollEvents(z, bundle, { matched: false }),
    sample: { ...aiEvent, customer_id: null, match_method: 'none', matched_value: null },
  },
};
