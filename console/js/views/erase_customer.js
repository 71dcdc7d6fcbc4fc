// Erasing a customer (GDPR Art. 17) from their page: a danger zone with "Erase customer…", a
// confirmation that names what goes and what stays with an opt-in suppression, and the result.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { customerDetail, customerName } from '../format.js';

let dialogs = 0;

// A modal confirmation with named buttons and room for a choice, for what window.confirm
// cannot say (it offers only "OK" and no controls). A native <dialog>: focus stays inside
// it, Escape cancels, and focus starts on Cancel, so a stray Enter does nothing harmful.
// Resolves true for the confirm button, false for Cancel or Escape. It lives in <main>, so a
// route change takes it away with the page it belongs to.
export function confirmDialog({ title, content, confirmText, danger = false }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = `dialog-title-${++dialogs}`;
    let confirmed = false;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId });
    const cancel = h('button', { type: 'button', class: 'button', autofocus: true,
      onclick: () => dialog.close() }, 'Cancel');
    const confirm = h('button', { type: 'button',
      class: `button ${danger ? 'button-danger-solid' : 'button-primary'}`,
      onclick: () => { confirmed = true; dialog.close(); } }, confirmText);
    replace(dialog, h('h2', { id: titleId }, title), content,
      h('div', { class: 'actions dialog-actions' }, cancel, confirm));
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(confirmed);
    });
    (document.getElementById('main') ?? document.body).append(dialog);
    dialog.showModal();
  });
}

const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// "Erased: 5 AI events, 1 webhook delivery." and whether their email and phone are suppressed.
export function erasureSummary(result, suppressAsked) {
  const counts = `${count(Number(result.erased_ai_events ?? 0), 'AI event', 'AI events')}, ` +
    `${count(Number(result.erased_webhook_deliveries ?? 0), 'webhook delivery', 'webhook deliveries')}`;
  const lines = [result.complete === false
    ? `Erased so far: ${counts}. The erasure continues in the background; nothing is matched ` +
      'to them meanwhile.'
    : `Erased: ${counts}.`];
  const kinds = new Set((result.suppressions ?? []).map((s) => s.kind));
  if (kinds.size) {
    const what = ['email', 'phone'].filter((k) => kinds.has(k)).join(' and ');
    lines.push(`Their ${what} ${kinds.size > 1 ? 'are' : 'is'} suppressed: events that carry ` +
      `${kinds.size > 1 ? 'them' : 'it'} are no longer stored.`);
  } else if (suppressAsked) {
    lines.push('They had no email or phone to suppress.');
  }
  return lines;
}

// `events`: what the page knows of their events, { count, exact }, or null.
function eventsLine(events) {
  const rest = ', transcripts and summaries included, and any unmatched event that carries ' +
    'their email or phone';
  if (events?.exact && events.count === 0) {
    return 'Any unmatched AI event that carries their email or phone, with its transcript ' +
      '(no event is theirs yet)';
  }
  if (events?.exact) return `Their ${count(events.count, 'AI event', 'AI events')}${rest}`;
  if (events?.count) return `All their AI events (more than the ${events.count} shown here)${rest}`;
  return `All their AI events${rest}`;
}

function question(customer, events, suppress) {
  const detail = customerDetail(customer);
  return [
    h('p', {}, 'This cannot be undone. Erasing removes, for good:'),
    h('ul', { class: 'erase-list' },
      h('li', {}, 'The customer ', h('strong', {}, customerName(customer)),
        detail ? ` (${detail})` : ''),
      h('li', {}, eventsLine(events)),
      h('li', {}, 'The vendor webhook deliveries behind those events'),
      h('li', {}, 'Their personal data in the audit trail (the snapshots of their fields)')),
    h('p', {}, h('strong', {}, 'What stays: '), 'the audit record of the erasure (who erased ',
      'them, when, how many events), without their personal data.'),
    h('div', { class: 'check-block' },
      h('label', { class: 'check', for: 'erase-suppress' }, suppress,
        h('span', {}, 'Also keep their email and phone out from now on (suppress)')),
      h('p', { id: 'erase-suppress-help', class: 'help' }, 'New events and vendor calls that ',
        'carry them are then not stored; only a keyed hash is kept, and an admin can lift it.')),
  ];
}

function failure(error) {
  if (error.status === 403) {
    return `Not erased: this API key lacks the scope ${error.missingScope || 'customers:erase'}. ` +
      'Sign in with a key that has it (a key created with scopes "all" does).';
  }
  if (error.status === 404) return 'Not erased: this customer no longer exists.';
  return `Not erased: ${error.describe()}`;
}

// The danger zone. `current()` is the customer as the page now shows them, `events()` what
// the page knows of their events; `onErased(result, suppressAsked)` runs after a 200 or 202.
export function eraseSection({ current, events, onErased }) {
  const result = h('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button button-danger' }, 'Erase customer…');
  button.addEventListener('click', async () => {
    const customer = current();
    const suppress = h('input', { type: 'checkbox', id: 'erase-suppress', name: 'suppress',
      'aria-describedby': 'erase-suppress-help' });
    const confirmed = await confirmDialog({
      title: `Erase ${customerName(customer)}?`,
      content: question(customer, events(), suppress),
      confirmText: 'Erase customer',
      danger: true,
    });
    if (!confirmed) return;
    button.disabled = true;
    result.className = 'form-result';
    result.textContent = 'Erasing…';
    try {
      const erased = await api.eraseCustomer(customer.id, { suppress: suppress.checked });
      onErased(erased, suppress.checked);
    } catch (error) {
      result.className = 'form-result form-error';
      result.textContent = failure(error);
      button.disabled = false;
    }
  });
  return h('section', { class: 'card danger-zone', 'aria-labelledby': 'danger-zone' },
    h('h2', { id: 'danger-zone' }, 'Danger zone'),
    h('p', { class: 'help' }, 'Erase this customer and everything that identifies them, for ',
      'example when they ask for it (GDPR Art. 17). This cannot be undone.'),
    h('div', { class: 'actions' }, button), result);
}
