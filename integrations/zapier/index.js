// The aievents Zapier integration (Zapier Platform CLI). Every request goes to the aievents
// gateway the user connects (its base URL and an API key), through the public HTTP API.
const { version } = require('./package.json');
const { version: platformVersion } = require('zapier-platform-core');

const authentication = require('./authentication');
const { addApiKey, handleErrors } = require('./http');
const createAiEvent = require('./creates/ai_event');
const createCustomer = require('./creates/customer');
const findCustomer = require('./searches/customer');
const newAiEvent = require('./triggers/new_ai_event');
const newUnmatchedAiEvent = require('./triggers/new_unmatched_ai_event');

module.exports = {
  version,
  platformVersion,
  authentication,
  beforeRequest: [addApiKey],
  afterResponse: [handleErrors],
  triggers: {
    [newAiEvent.key]: newAiEvent,
    [newUnmatchedAiEvent.key]: newUnmatchedAiEvent,
  },
  searches: {
    [findCustomer.key]: findCustomer,
  },
  creates: {
    [createAiEvent.key]: createAiEvent,
    [createCustomer.key]: createCustomer,
  },
  searchOrCreates: {
    [findCustomer.key]: {
      key: findCustomer.key,
      display: {
        label: 'Find or Create Customer',
        description: 'Finds a customer by email, phone or name, and creates one when none is found.',
      },
      search: findCustomer.key,
      create: createCustomer.key,
    },
  },
};
