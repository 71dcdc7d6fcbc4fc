// A custom API key, checked by reading the key itself (GET /v1/api-keys:self), which any key
// may do whatever its scopes: a key made only for Create AI Event (events:write) connects too.
// The connection label names the key's prefix and label, so a Zap shows which key it uses.
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
      url: `${baseUrl(bundle)}/v1/api-keys:self`,
    });
    return response.data;
  },
  connectionLabel: (z, bundle) => {
    const key = bundle.inputData || {};
    const host = baseUrl(bundle).replace(/^https?:\/\//, '');
    return key.prefix ? `${key.label || key.prefix} (${key.prefix}…) on ${host}` : host;
  },
};
