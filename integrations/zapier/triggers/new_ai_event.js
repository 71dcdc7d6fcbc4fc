// New AI Event: every event stored, matched or not.
const { pollEvents } = require('./poll_events');
const { aiEvent } = require('../samples');

module.exports = {
  key: 'new_ai_event',
  noun: 'AI Event',
  display: {
    label: 'New AI Event',
    description: 'Triggers when an AI event is stored (matched to a customer or not).',
  },
  operation: {
    type: 'polling',
    perform: (z, bundle) => pollEvents(z, bundle, {}),
    sample: aiEvent,
  },
};
