// A custom API key, checked with the cheapest authenticated call: one event of the list.
const { baseUrl } = require('./http');

module.exports = {
  type: 'custom',
  fields: [
    {
      key: 'base_url',
      label: 'aievents URL',
      required: true,
      type: 'string',
      helpText: 'The address of your aievents gateway, for example `https://aievents.example.com`.',
    },
    {
      key: 'api_key',
      label: 'API Key',
      required: true,
      type: 'password',
      helpText: 'An aievents API key (it starts with `aiev_`). Ask your aievents operator for one.',
    },
  ],
  test: async (z, bundle) => {
    const response = await z.request({
      url: `${baseUrl(bundle)}/v1/ai-events`,
      params: { page_size: 1 },
    });
    return response.data;
  },
  connectionLabel: (z, bundle) => baseUrl(bundle).replace(/^https?:\/\//, ''),
};
