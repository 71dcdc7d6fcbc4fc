// Find Customer: by email, phone or name (the tenant's customer search, best match first).
const { baseUrl } = require('../http');
const { customer } = require('../samples');

module.exports = {
  key: 'customer',
  noun: 'Customer',
  display: {
    label: 'Find Customer',
    description: 'Finds a customer by email, phone or name.',
  },
  operation: {
    inputFields: [
      { key: 'email', label: 'Email' },
      { key: 'phone', label: 'Phone' },
      { key: 'name', label: 'Name', helpText: 'First and last name; accents and case do not matter.' },
    ],
    perform: async (z, bundle) => {
      const q = bundle.inputData.email || bundle.inputData.phone || bundle.inputData.name;
      if (!q || String(q).trim().length < 2) {
        throw new z.errors.Error('Give an email, a phone or a name (at least 2 characters).', 'InvalidInput', 400);
      }
      const response = await z.request({
        url: `${baseUrl(bundle)}/v1/customers`,
        params: { q: String(q).trim(), page_size: 10 },
      });
      return response.data.customers || [];
    },
    sample: customer,
  },
};
