// Live updates of a customer's events: reads the gateway's server-sent events stream with
// fetch (EventSource cannot send the x-api-key header, and the key never goes in a URL), and
// reconnects with backoff. `onStatus` gets "live", "reconnecting" or "off".
import { apiKey } from './api.js';

export function watchCustomer(customerId, onEvent, onStatus) {
  let stopped = false;
  let controller = null;
  let delay = 1000;

  async function connect() {
    controller = new AbortController();
    try {
      const response = await fetch(
        `/v1/customers/${encodeURIComponent(customerId)}/ai-events:watch`,
        { headers: { 'x-api-key': apiKey() ?? '', accept: 'text/event-stream' },
          signal: controller.signal, cache: 'no-store', credentials: 'omit' });
      if (!response.ok || !response.body) {
        // 4xx will not get better by retrying (unknown customer, key refused).
        if (response.status >= 400 && response.status < 500) {
          onStatus('off');
          return;
        }
        throw new Error(`status ${response.status}`);
      }
      onStatus('live');
      delay = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart()).join('\n');
          if (data) {
            try { onEvent(JSON.parse(data)); } catch { /* a malformed frame is skipped */ }
          }
        }
      }
    } catch (error) {
      if (stopped) return;
    }
    if (stopped) return;
    onStatus('reconnecting');
    setTimeout(() => { if (!stopped) connect(); }, delay);
    delay = Math.min(delay * 2, 30000);
  }

  connect();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
