// Polling on the event list: the newest page, newest first, as Zapier expects; Zapier
// deduplicates by `id`, so each event starts the Zap once.
const { baseUrl } = require('../http');

async function pollEvents(z, bundle, params) {
  const response = await z.request({
    url: `${baseUrl(bundle)}/v1/ai-events`,
    params: { page_size: 100, ...params },
  });
  return response.data.ai_events || [];
}

module.exports = { pollEvents };
