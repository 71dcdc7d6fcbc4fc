// New AI Event: every event stored, matched or not, the moment aievents delivers it.
const { pollEvents } = require('./poll_events');
const { subscribe, unsubscribe, deliveredEvents } = require('./hook');
const { aiEvent } = require('../samples');

const label = 'New AI Event';

module.exports = {
  key: 'new_ai_event',
  noun: 'AI Event',
  display: {
    label,
    description: 'Triggers instantly when an AI event is stored (matched to a customer or not).',
  },
  operation: {
    type: 'hook',
    performSubscribe: (z, bundle) => subscribe(z, bundle, label),
    performUnsubscribe: unsubscribe,
    perform: deliveredEvents,
    // Samples for the Zap editor come from the list, as when this trigger polled.
    performList: (z, bundle) => pollEvents(z, bundle, {}),
    sample: aiEvent,
  },
};
