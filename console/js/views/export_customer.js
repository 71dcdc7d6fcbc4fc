// Exporting a customer's data (GDPR Art. 15/20) from their page: one JSON file with the
// customer, every event with its raw payload and history, and the vendor deliveries behind
// them, as GET /v1/customers/{id}:export streams it.
import { api } from '../api.js';
import { h } from '../dom.js';

function size(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function failure(error) {
  if (error.status === 403) {
    return `Not exported: this API key lacks the scope ${error.missingScope || 'customers:read'}.`;
  }
  if (error.status === 404) return 'Not exported: this customer no longer exists.';
  return `Not exported: ${error.describe()}`;
}

// Hands `blob` to the browser as a file download named `filename`.
function saveFile(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has handed the file over; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function exportSection({ customerId }) {
  const result = h('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button' }, 'Export data');
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.className = 'form-result';
    result.textContent = 'Preparing the export…';
    try {
      const blob = await api.exportCustomer(customerId);
      const filename = `customer-${customerId}-export.json`;
      saveFile(blob, filename);
      result.textContent = `Downloaded ${filename} (${size(blob.size)}).`;
    } catch (error) {
      result.className = 'form-result form-error';
      result.textContent = failure(error);
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'customer-data' },
    h('h2', { id: 'customer-data' }, 'Their data'),
    h('p', { class: 'help' }, 'Download everything held about this customer as one JSON file, ',
      'for example when they ask for a copy (GDPR Art. 15 and 20): their details, every AI ',
      'event with its raw payload and history, unmatched events that carry their email or ',
      'phone, and the vendor webhook deliveries behind them. Each export is recorded in the ',
      'audit trail.'),
    h('div', { class: 'actions' }, button), result);
}
