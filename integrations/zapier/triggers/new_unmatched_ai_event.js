// New Unmatched AI Event: events that matched no customer (to follow up on them).
const { pollEvents } = require('./poll_events');
const { aiEvent } = require('../samples');

module.exports = {
  key: 'new_unmatched_ai_event',
  noun: 'AI Event',
  display: {
    label: 'New Unmatched AI Event',
    description: 'Triggers when an AI event matched no customer and waits in the unmatched queue.',
  },
  operation: {
    type: 'polling',
    perform: (z, bundle) => pollEvents(z, bundle, { matched: false }),
    sample: { ...aiEvent, customer_id: null, match_method: 'none', matched_value: null },
  },
};
