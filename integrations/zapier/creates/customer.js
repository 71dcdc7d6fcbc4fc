// Create Customer.
const { baseUrl } = require('../http');
const { customer } = require('../samples');

module.exports = {
  key: 'customer',
  noun: 'Customer',
  display: {
    label: 'Create Customer',
    description: 'Creates a customer; waiting unmatched AI events that fit them are matched to them.',
  },
  operation: {
    inputFields: [
      { key: 'email', label: 'Email' },
      { key: 'phone', label: 'Phone', helpText: 'Any format; stored as given and matched in E.164.' },
      { key: 'first_name', label: 'First Name' },
      { key: 'last_name', label: 'Last Name' },
    ],
    perform: async (z, bundle) => {
      const body = {};
      for (const key of ['email', 'phone', 'first_name', 'last_name']) {
        if (bundle.inputData[key]) body[key] = bundle.inputData[key];
      }
      const response = await z.request({ method: 'POST', url: `${baseUrl(bundle)}/v1/customers`, body });
      return response.data;
    },
    sample: customer,
  },
};
