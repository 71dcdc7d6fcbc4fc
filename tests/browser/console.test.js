// The web console in a real browser (Debian's Chromium, driven by playwright-core) against the
// whole suite with a real PostgreSQL database (console_stack). Each test leaves a screenshot
// in $AIEVENTS_SCREENSHOTS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack } from '../support/console_stack.mjs';

const screenshots = process.env.AIEVENTS_SCREENSHOTS;
let stack;
let config;
let base;
let browser;

async function call(method, target, body, key = config.api_key) {
  const response = await fetch(`${base}${target}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${target}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function event(lookup, summary, extra = {}) {
  return {
    customer_lookup: lookup,
    ai_event: {
      event_type: 'phone_call', source: 'retell', summary,
      raw_payload: JSON.stringify({ transcript: 'Agent: Hello\nCustomer: Hi', duration: 245 }),
      occurred_at: new Date(Date.now() - 3600_000).toISOString(), confidence: 0.92, ...extra,
    },
  };
}

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('the server responded with a status of')) {
      errors.push(message.text());
    }
  });
  page.errors = errors;
  return page;
}

async function signIn(page, key = config.api_key) {
  await page.goto(`${base}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'AI Events' }).waitFor();
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

// Polls `check` until it returns something truthy (then returned), failing after `ms`.
async function until(check, what, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// A webhook receiver on 127.0.0.1 for the outbound endpoints: keeps every request (headers and
// raw body) and answers `receiver.status`. Closed when test `t` ends, passed or not (an open
// server would keep node running).
async function startReceiver(t) {
  const receiver = { status: 200, requests: [] };
  receiver.server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      receiver.requests.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(receiver.status).end();
    });
  });
  await new Promise((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  t.after(() => receiver.server.close());
  receiver.url = `http://127.0.0.1:${receiver.server.address().port}/hooks/aievents`;
  // The delivery of one AI event, found by its id in the body.
  receiver.delivery = (eventId) => until(() => receiver.requests.find(
    (r) => JSON.parse(r.body).data?.id === eventId), `the delivery of event ${eventId}`);
  return receiver;
}

// Whether one of the request's Standard Webhooks signatures is made with `secret`.
function signedWith(secret, request) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const { 'webhook-id': id, 'webhook-timestamp': timestamp } = request.headers;
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.`)
    .update(request.body).digest('base64');
  return request.headers['webhook-signature'].split(' ').some((s) => s.split(',')[1] === expected);
}

async function attempts(endpointId) {
  return (await call('GET', `/v1/webhook-endpoints/${endpointId}/attempts`)).attempts;
}

// A time as a datetime-local input's value, in the page's time zone.
function localTime(page, ms) {
  return page.evaluate((t) => new Date(t - new Date(t).getTimezoneOffset() * 60000)
    .toISOString().slice(0, 16), ms);
}


// Text whose colour is below WCAG AA contrast on its background: 4.5:1, or 3:1 for large text
// (24px, or 18.66px bold). Disabled controls are exempt, as WCAG exempts inactive components.
async function contrastFailures(page) {
  return page.evaluate(() => {
    const parse = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]) => {
      const f = (v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let node = el; node; node = node.parentElement) {
        const c = parse(getComputedStyle(node).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
      }
      return parse(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3);
    };
    const failures = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || el.closest(':disabled, [hidden], .sr-only') || !el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      const fg = luminance(parse(style.color));
      const bg = luminance(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        failures.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
      }
    }
    return failures;
  });
}

let maria;
let unmatchedId;

before(async () => {
  stack = await startStack();
  config = stack.config;
  base = `http://127.0.0.1:${config.port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  maria = await call('POST', '/v1/customers', {
    first_name: 'Maria', last_name: 'Lopez', email: 'maria.lopez@example.com', phone: '+1 415 555 0134',
  });
  await call('POST', '/v1/ai-events', event({ email: 'maria.lopez@example.com' },
    'Maria asked to move her delivery to Friday.'));
  await call('POST', '/v1/ai-events', event({ phone: '+1 212 555 0199' },
    'Caller asked about opening hours; did not leave a name.', { event_type: 'sms', source: 'twilio' }));
  const unmatched = await call('POST', '/v1/ai-events', event(
    { email: 'm.lopez.home@example.com', first_name: 'Mária' },
    'Customer called about delayed shipment for order #789.'));
  unmatchedId = unmatched.id;
});

after(async () => {
  await browser?.close();
  stack?.stop();
});

describe('the console', () => {
  test('a wrong key is refused with a clear message, and the right one signs in', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    assert.match(page.url(), /\/console\/#\/signin/);
    await page.getByLabel('API key').fill('aiev_wrong_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This API key is not valid').waitFor();
    await shot(page, 'sign-in-refused');
    await page.getByLabel('API key').fill(config.api_key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'AI Events' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 1, 'the key is in sessionStorage');
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'and nowhere else');
    assert.doesNotMatch(page.url(), /aiev_/, 'never in a URL');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'sign out forgets it');
    assert.deepEqual(page.errors, []);
  });

  test('the list shows the seeded events, newest first, with customers by name', async () => {
    const page = await newPage();
    await signIn(page);
    const rows = page.locator('.event-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 3);
    assert.match(await rows.nth(0).innerText(), /delayed shipment/);
    await page.locator('.event-row', { hasText: 'move her delivery' }).getByText('Maria Lopez').waitFor();
    await page.locator('.event-row', { hasText: 'opening hours' }).getByText('Unmatched').waitFor();
    await shot(page, 'events-list');
    // A filter is part of the URL.
    await page.getByLabel('Type').selectOption('sms');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/event_type=sms/);
    // The list is redrawn after the URL changes: wait for the filtered list itself (a time-out
    // here means it never showed exactly the one SMS event).
    await page.waitForFunction(() => document.querySelectorAll('.event-row').length === 1);
    assert.equal(await page.locator('.event-row').count(), 1);
    assert.deepEqual(page.errors, []);
  });

  test('View Unmatched Events shows the count and only unmatched events', async () => {
    const page = await newPage();
    await signIn(page);
    const toggle = page.getByRole('button', { name: /View Unmatched Events/ });
    await page.locator('.toggle .count', { hasText: '2' }).waitFor();
    await toggle.click();
    await page.waitForURL(/matched=false/);
    await page.getByRole('heading', { name: 'Unmatched AI Events' }).waitFor();
    await page.locator('.event-row').first().waitFor();
    assert.equal(await page.locator('.event-row').count(), 2);
    assert.equal(await page.locator('.event-row', { hasText: 'Maria Lopez' }).count(), 0);
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await shot(page, 'unmatched');
    assert.deepEqual(page.errors, []);
  });

  test('an unmatched event is associated by typing in the dropdown, and shows on the customer', async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/console/#/events?matched=false`);
    await page.getByRole('link', { name: /delayed shipment/ }).click();
    await page.getByRole('heading', { name: /Phone call from retell/ }).waitFor();
    await page.getByText('Unmatched', { exact: true }).first().waitFor();
    await page.locator('meter').waitFor();
    await page.getByText('"duration": 245').waitFor();  // raw payload pretty-printed
    const combobox = page.getByRole('combobox', { name: 'Customer' });
    await combobox.click();
    await combobox.fill('Lopez');
    await page.getByRole('option', { name: /Maria Lopez/ }).waitFor();
    await shot(page, 'event-details-dropdown');
    await combobox.press('ArrowDown');
    await combobox.press('Enter');
    assert.equal(await combobox.inputValue(), 'Maria Lopez');
    await page.getByRole('button', { name: 'Associate Customer' }).click();
    await page.getByText('Associated with Maria Lopez.').waitFor();
    await page.getByRole('cell', { name: 'Maria Lopez' }).waitFor();  // in the history
    await shot(page, 'event-associated');
    await page.getByRole('link', { name: 'Maria Lopez' }).first().click();
    await page.getByRole('heading', { name: 'Maria Lopez' }).waitFor();
    await page.locator('.timeline .event-row', { hasText: 'delayed shipment' }).waitFor();
    assert.deepEqual(page.errors, []);
  });

  test('a matched event is re-associated and the change undone', async () => {
    const jane = await call('POST', '/v1/customers', { first_name: 'Jane', last_name: 'Doe', email: 'jane.doe@example.com' });
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/console/#/events/${unmatchedId}`);
    const combobox = page.getByRole('combobox', { name: 'Move to another customer' });
    await combobox.fill('jane.doe');
    await page.getByRole('option', { name: /Jane Doe/ }).click();
    await page.getByRole('button', { name: 'Associate Customer' }).click();
    await page.getByText('Associated with Jane Doe.').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Undone: back with the previous customer.').waitFor();
    const stored = await call('GET', `/v1/ai-events/${unmatchedId}`);
    assert.equal(stored.customer_id, maria.id);
    assert.equal(stored.associations.length, 3);
    assert.equal(stored.associations[1].to_customer_id, jane.id);
    await shot(page, 'event-undo');
    assert.deepEqual(page.errors, []);
  });

  test('a new event appears live on an open customer page', async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/console/#/customers/${maria.id}`);
    await page.getByText('● Live').waitFor({ timeout: 15000 });
    // The stream may be live before the first page of the timeline has rendered: count the
    // rows only once the page is complete (its footer is shown).
    await page.locator('.timeline').getByText('That is all.').waitFor({ timeout: 15000 });
    const before = await page.locator('.timeline .event-row').count();
    await call('POST', '/v1/ai-events', event({ email: 'maria.lopez@example.com' },
      'Live: Maria confirmed the Friday delivery window.', { event_type: 'chat', source: 'intercom' }));
    await page.locator('.timeline .event-row', { hasText: 'Live: Maria confirmed' }).waitFor({ timeout: 10000 });
    assert.equal(await page.locator('.timeline .event-row').count(), before + 1);
    await shot(page, 'customer-live');
    assert.deepEqual(page.errors, []);
  });

  test('a failed webhook delivery is replayed from the inbox', async () => {
    await call('POST', '/v1/customers', { first_name: 'Jack', last_name: 'Hannaford', phone: '+13232139334' });
    const page = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Webhook inbox' }).click();
    await page.getByLabel('Status').selectOption('failed');
    await page.waitForURL(/status=failed/);
    const row = page.locator(`[data-delivery-id="${config.failed_delivery_id}"]`);
    await row.getByText('failed', { exact: true }).waitFor();
    await shot(page, 'webhook-inbox');
    await row.getByRole('button', { name: 'Replay' }).click();
    await page.locator(`[data-delivery-id="${config.failed_delivery_id}"]`)
      .getByText('processed', { exact: true }).waitFor();
    const delivery = await call('GET', `/v1/webhook-deliveries/${config.failed_delivery_id}`);
    assert.equal(delivery.status, 'processed');
    assert.ok(delivery.event_id);
    assert.deepEqual(page.errors, []);
  });

  test("another tenant's key sees none of these events", async () => {
    const page = await newPage();
    await signIn(page, config.other_api_key);
    await page.getByText('No events match these filters.').waitFor();
    await page.goto(`${base}/console/#/events/${unmatchedId}`);
    await page.getByText('This event does not exist.').waitFor();
    await shot(page, 'other-tenant');
  });

  test('the back button returns to the list, and every view has its own URL', async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: /opening hours/ }).click();
    await page.waitForURL(/#\/events\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: /SMS from twilio/ }).waitFor();
    await page.goBack();
    await page.waitForURL(/#\/events$/);
    await page.locator('.event-row').first().waitFor();
    // A shared link opens the same view after sign-in.
    const fresh = await newPage();
    await fresh.goto(`${base}/console/#/customers/${maria.id}`);
    await fresh.getByLabel('API key').fill(config.api_key);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.getByRole('heading', { name: 'Maria Lopez' }).waitFor();
  });

  test('every text meets WCAG AA contrast, in light and in dark', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const page = await newPage({ colorScheme });
      await signIn(page);
      await page.locator('.event-row').first().waitFor();
      const pages = [
        ['events', '#/events'],
        ['event details', `#/events/${unmatchedId}`],
        ['customer', `#/customers/${maria.id}`],
        ['webhook inbox', '#/webhooks'],
        ['webhook endpoints', '#/webhook-endpoints'],
      ];
      for (const [name, hash] of pages) {
        await page.goto(`${base}/console/${hash}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        assert.deepEqual(await contrastFailures(page), [], `${name} (${colorScheme})`);
      }
      await page.close();
    }
  });

  test('a phone-sized screen in dark mode', async () => {
    const page = await newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    await signIn(page);
    await page.locator('.event-row').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'nothing scrolls sideways at a phone width');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(13, 17, 23)', 'the dark palette follows the system setting');
    await shot(page, 'phone-dark');
  });

  // These create events, so they come after the tests that count them.
  test('a webhook endpoint is added with its secret shown once, delivers, and is disabled, rotated, recovered and deleted', async (t) => {
    const receiver = await startReceiver(t);
    const page = await newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await signIn(page);
    await page.getByRole('link', { name: 'Webhook endpoints' }).click();
    await page.getByRole('heading', { name: 'Webhook endpoints', level: 1 }).waitFor();
    await page.getByText('No webhook endpoints yet.').waitFor();

    // A refused address: the API's violation is shown at the URL field, which gets focus.
    const url = page.getByLabel('URL', { exact: true });
    const add = page.getByRole('button', { name: 'Add endpoint' });
    await url.fill('http://169.254.169.254/latest/meta-data/');
    await add.click();
    await page.locator('#endpoint-url-error', { hasText: 'link-local' }).waitFor();
    assert.equal(await url.getAttribute('aria-invalid'), 'true');
    assert.equal(await url.getAttribute('aria-describedby'), 'endpoint-url-error');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'endpoint-url');
    await shot(page, 'webhook-endpoint-refused');
    // No event type: the violation is at the checkboxes.
    await url.fill(receiver.url);
    await page.getByLabel(/An AI event is stored/).uncheck();
    await add.click();
    await page.locator('#endpoint-types-error', { hasText: 'at least one' }).waitFor();
    assert.equal(await url.getAttribute('aria-invalid'), null, 'the URL is no longer marked');

    await page.getByLabel(/An AI event is stored/).check();
    await page.getByLabel(/An AI event gets a customer later/).check();
    await page.getByLabel('Description (optional)').fill('CRM follow-up tasks');
    await add.click();
    const shown = page.locator('.secret-notice code');
    await shown.waitFor();
    const secret = await shown.innerText();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    await page.locator('.secret-notice', { hasText: 'it will not be shown again' }).waitFor();
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    const [endpoint] = (await call('GET', '/v1/webhook-endpoints')).webhook_endpoints;
    assert.equal(endpoint.url, receiver.url);
    assert.deepEqual(endpoint.event_types, ['ai_event.created', 'ai_event.associated']);
    const card = page.locator(`[data-endpoint-id="${endpoint.id}"]`);
    await card.locator('.badge-enabled', { hasText: 'Enabled' }).waitFor();
    const listed = await card.innerText();
    assert.match(listed, /ai_event\.created, ai_event\.associated/);
    assert.match(listed, /CRM follow-up tasks/);
    assert.match(listed, /Last success\s+Never/);
    assert.doesNotMatch(listed, /whsec_/, 'the list never shows the secret');
    await shot(page, 'webhook-endpoint-added');
    // Shown once: after a reload it is nowhere on the page.
    await page.reload();
    await card.waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /whsec_/);

    // An event is delivered, signed with the secret the page showed, and its attempt is
    // listed with the receiver's 200.
    const first = await call('POST', '/v1/ai-events', event({ email: 'outbound.one@example.com' },
      'Caller asked for a callback about the new tariff.'));
    const delivered = await receiver.delivery(first.id);
    assert.ok(signedWith(secret, delivered), 'signed with the secret shown');
    const firstId = delivered.headers['webhook-id'];
    // The attempt is recorded just after the answer: wait for it before opening the page.
    await until(async () => (await attempts(endpoint.id)).some((a) => a.message_id === firstId),
      'the first attempt to be recorded');
    await card.getByRole('link', { name: 'Attempts and recovery' }).click();
    await page.waitForURL(new RegExp(`#/webhook-endpoints/${endpoint.id}$`));
    const firstRow = page.locator(`tr[data-message-id="${firstId}"]`);
    await firstRow.locator('.badge-delivered', { hasText: /^200$/ }).waitFor();
    assert.match(await firstRow.innerText(), /ai_event\.created/);
    assert.doesNotMatch(await page.locator('.endpoint').innerText(), /Never/, 'a last success');

    // Rotate: a new secret, shown once; the next message is signed with both.
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.locator('.secret-notice', { hasText: 'previous one also signs' }).waitFor();
    const rotated = await page.locator('.secret-notice code').innerText();
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, secret);
    assert.equal(await page.evaluate(() => document.activeElement.className), 'notice secret-notice');
    const second = await call('POST', '/v1/ai-events', event({ email: 'outbound.two@example.com' },
      'Caller confirmed the appointment for Tuesday.'));
    const delivered2 = await receiver.delivery(second.id);
    assert.ok(signedWith(rotated, delivered2), 'signed with the new secret');
    assert.ok(signedWith(secret, delivered2), 'and, for 24 hours, with the previous one');
    const secondId = delivered2.headers['webhook-id'];
    await until(async () => (await attempts(endpoint.id)).some((a) => a.message_id === secondId),
      'the second attempt to be recorded');

    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`tr[data-message-id="${secondId}"]`).waitFor();
    await shot(page, 'webhook-endpoint-attempts');

    // Disable: the status and why, and focus stays on the button (now Enable).
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.locator('.endpoint .badge-disabled', { hasText: 'Disabled' }).waitFor();
    await page.getByText('it was disabled by hand').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Enable');
    const disabled = await call('GET', `/v1/webhook-endpoints/${endpoint.id}`);
    assert.equal(disabled.status, 'disabled');
    assert.equal(disabled.disabled_reason, 'manual');
    assert.equal(disabled.secret, null);

    // Recover: a time in the future is refused at the field; an hour ago is sent as that
    // instant (nothing has failed: a message fails only after 27.5 hours of retries).
    const since = page.getByLabel('Failed since (your time zone)');
    const recover = page.getByRole('button', { name: 'Recover failed messages' });
    await since.fill(await localTime(page, Date.now() + 86400000));
    await recover.click();
    await page.locator('#recover-since-error', { hasText: 'must not be in the future' }).waitFor();
    assert.equal(await since.getAttribute('aria-invalid'), 'true');
    const hourAgo = await localTime(page, Date.now() - 3600000);
    await since.fill(hourAgo);
    const sent = page.waitForRequest((r) => r.url().endsWith(`/${endpoint.id}:recover`));
    await recover.click();
    const expected = await page.evaluate((v) => new Date(v).toISOString(), hourAgo);
    assert.deepEqual(JSON.parse((await sent).postData()), { since: expected });
    await page.getByText('No failed messages since').waitFor();
    assert.equal(await since.getAttribute('aria-invalid'), null);

    // Delete: nothing happens when the confirmation is dismissed; accepted, it is gone.
    page.once('dialog', (dialog) => dialog.dismiss());
    await page.getByRole('button', { name: 'Delete' }).click();
    assert.equal((await call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).id, endpoint.id);
    let question = '';
    page.once('dialog', (dialog) => { question = dialog.message(); dialog.accept(); });
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/#\/webhook-endpoints$/);
    await page.getByText('No webhook endpoints yet.').waitFor();
    assert.match(question, new RegExp(`Delete the endpoint ${receiver.url}`));
    const gone = await fetch(`${base}/v1/webhook-endpoints/${endpoint.id}`,
      { headers: { 'x-api-key': config.api_key } });
    assert.equal(gone.status, 404);
    assert.deepEqual(page.errors, []);
  });

  test('an endpoint that answers 410 shows as disabled and failing, and is enabled again', async (t) => {
    const receiver = await startReceiver(t);
    receiver.status = 410;
    const endpoint = await call('POST', '/v1/webhook-endpoints',
      { url: receiver.url, event_types: ['ai_event.created'], description: 'Removed Zap' });
    const created = await call('POST', '/v1/ai-events', event({ email: 'outbound.gone@example.com' },
      'Caller asked to cancel the subscription.'));
    const refused = await receiver.delivery(created.id);
    const messageId = refused.headers['webhook-id'];
    await until(async () => (await call('GET', `/v1/webhook-endpoints/${endpoint.id}`)).status === 'disabled',
      'the endpoint to be disabled by its 410');

    const page = await newPage();
    await signIn(page);
    await page.goto(`${base}/console/#/webhook-endpoints`);
    const card = page.locator(`[data-endpoint-id="${endpoint.id}"]`);
    await card.locator('.badge-disabled', { hasText: 'Disabled' }).waitFor();
    const listed = await card.innerText();
    assert.match(listed, /Disabled because\s+it answered 410 Gone/);
    assert.match(listed, /Failing since\s+\S/);
    assert.match(listed, /Last success\s+Never/);
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      assert.deepEqual(await contrastFailures(page), [], `webhook endpoints (${colorScheme})`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await shot(page, 'webhook-endpoint-gone');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth),
      false, 'nothing scrolls sideways at a phone width');
    await page.setViewportSize({ width: 1280, height: 860 });

    await card.getByRole('link', { name: 'Attempts and recovery' }).click();
    const row = page.locator(`tr[data-message-id="${messageId}"]`);
    await row.locator('.badge-failed', { hasText: /^410$/ }).waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.match(cells[4], /the endpoint answered 410/);
    assert.notEqual(cells[5], '—', 'a next retry');
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      assert.deepEqual(await contrastFailures(page), [], `webhook endpoint (${colorScheme})`);
    }

    // Enabled again, it takes the pending message at its next retry (5 s after the 410).
    receiver.status = 200;
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.locator('.endpoint .badge-enabled', { hasText: 'Enabled' }).waitFor();
    assert.doesNotMatch(await page.locator('.endpoint').innerText(), /Failing since|Disabled because/);
    await until(async () => (await attempts(endpoint.id)).some((a) => a.status_code === 200),
      'the retry to be delivered');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`tr[data-message-id="${messageId}"] .badge-delivered`, { hasText: /^200$/ }).waitFor();
    assert.equal(await page.locator(`tr[data-message-id="${messageId}"]`).count(), 2, 'same webhook-id');
    assert.deepEqual(page.errors, []);

    // Another tenant neither lists it nor opens it.
    const other = await newPage();
    await signIn(other, config.other_api_key);
    await other.goto(`${base}/console/#/webhook-endpoints`);
    await other.getByText('No webhook endpoints yet.').waitFor();
    await other.goto(`${base}/console/#/webhook-endpoints/${endpoint.id}`);
    await other.getByText('This webhook endpoint does not exist.').waitFor();
  });

  test('the attempts are paged with Load more, newest first', async (t) => {
    const receiver = await startReceiver(t);
    const endpoint = await call('POST', '/v1/webhook-endpoints',
      { url: receiver.url, event_types: ['ai_event.created'] });
    const ids = [];
    for (const summary of ['Caller asked about invoices.', 'Caller asked about refunds.']) {
      const created = await call('POST', '/v1/ai-events', event({ email: 'outbound.pages@example.com' }, summary));
      ids.unshift((await receiver.delivery(created.id)).headers['webhook-id']);
    }
    await until(async () => (await attempts(endpoint.id)).length === 2, 'both attempts recorded');
    const page = await newPage();
    await signIn(page);
    // One attempt a page (the page asks for 50): the second comes only through "Load more".
    await page.route(/\/attempts\?/, (route) => {
      const target = new URL(route.request().url());
      target.searchParams.set('page_size', '1');
      route.continue({ url: target.toString() });
    });
    await page.goto(`${base}/console/#/webhook-endpoints/${endpoint.id}`);
    await page.locator(`tr[data-message-id="${ids[0]}"]`).waitFor();
    assert.equal(await page.locator('tbody tr').count(), 1);
    await page.getByRole('button', { name: 'Load more' }).click();
    // The end of the list, or the error that stopped it (its text then fails the test).
    const footer = page.locator('.list-footer');
    await footer.locator('.help, .state-error').waitFor();
    assert.equal(await footer.innerText(), 'That is all.');
    assert.deepEqual(await page.locator('tbody tr').evaluateAll((rows) =>
      rows.map((r) => r.dataset.messageId)), ids, 'newest first');
    assert.deepEqual(page.errors, []);
  });

  test('a customer is erased from its page, and their events are gone from every page', async () => {
    // A customer of this test's own (the other tests rely on the seeded ones), with two events.
    const email = 'erin.erase@example.com';
    const erin = await call('POST', '/v1/customers',
      { first_name: 'Erin', last_name: 'Eraseme', email, phone: '+1 650 555 0142' });
    const summaries = ['Erin asked for her account data to be deleted.',
      'Erin called to confirm the deletion request.'];
    const ids = [];
    for (const [lookup, summary] of [[{ email }, summaries[0]], [{ phone: '+1 650-555-0142' }, summaries[1]]]) {
      const created = await call('POST', '/v1/ai-events', event(lookup, summary));
      assert.equal(created.customer_id, erin.id, summary);
      ids.push(created.id);
    }

    // A key without customers:erase is refused, naming the scope, and nothing changes.
    const writer = await call('POST', '/v1/api-keys', { label: 'console without erase',
      scopes: ['events:read', 'customers:read', 'customers:write'] });
    const refused = await newPage();
    await signIn(refused, writer.secret);
    await refused.goto(`${base}/console/#/customers/${erin.id}`);
    await refused.getByRole('button', { name: 'Erase customer…' }).click();
    await refused.getByRole('dialog').getByRole('button', { name: 'Erase customer', exact: true }).click();
    await refused.locator('.danger-zone .form-error',
      { hasText: 'this API key lacks the scope customers:erase' }).waitFor();
    assert.equal((await call('GET', `/v1/customers/${erin.id}`)).id, erin.id);
    assert.deepEqual(refused.errors, []);
    await refused.close();

    const page = await newPage();
    await signIn(page);
    for (const summary of summaries) await page.locator('.event-row', { hasText: summary }).waitFor();
    await page.goto(`${base}/console/#/customers/${erin.id}`);
    await page.getByRole('heading', { name: 'Erin Eraseme', level: 1 }).waitFor();
    await page.locator('.timeline').getByText('That is all.').waitFor();

    // Before the erasure, a copy of their data: one JSON file with them and both events.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export data' }).click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), `customer-${erin.id}-export.json`);
    const exported = JSON.parse(await fs.readFile(await download.path(), 'utf8'));
    assert.equal(exported.customer.id, erin.id);
    assert.equal(exported.customer.email, email);
    assert.deepEqual(exported.ai_events.map((e) => e.ai_event.summary).sort(), [...summaries].sort());
    assert.ok(exported.ai_events.every((e) => e.reason === 'matched' && e.ai_event.raw_payload));
    await page.locator('.form-result', { hasText: `Downloaded customer-${erin.id}-export.json` })
      .waitFor();
    const trail = await call('GET', `/v1/audit-events?action=customer.exported&target_id=${erin.id}`);
    assert.equal(trail.audit_events.length, 1, 'the export is audited');

    // The confirmation names what goes and what stays; focus starts on Cancel.
    const open = page.getByRole('button', { name: 'Erase customer…' });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Erase Erin Eraseme?' });
    await dialog.waitFor();
    const question = await dialog.innerText();
    assert.ok(question.includes(`The customer Erin Eraseme (${email} · ${erin.phone})`), question);
    assert.match(question, /Their 2 AI events, transcripts and summaries included/);
    assert.match(question, /unmatched event that carries their email or phone/);
    assert.match(question, /The vendor webhook deliveries behind those events/);
    assert.match(question, /Their personal data in the audit trail/);
    assert.match(question, /What stays: the audit record of the erasure/);
    const suppress = dialog.getByLabel('Also keep their email and phone out from now on (suppress)');
    assert.equal(await suppress.isChecked(), false, 'suppression is opt-in');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel');

    // Cancel leaves everything as it is, and focus goes back to the button.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Erase customer…');
    assert.equal((await call('GET', `/v1/customers/${erin.id}`)).id, erin.id);
    // From the keyboard: Enter opens it, Escape cancels it.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.timeline .event-row', { hasText: summaries[0] }).waitFor();

    // Erased with suppression, after checking the dialog's contrast and its fit on a phone.
    await open.click();
    await suppress.check();
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      assert.deepEqual(await contrastFailures(page), [], `erase dialog (${colorScheme})`);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth),
      false, 'nothing scrolls sideways at a phone width');
    const box = await dialog.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, 'the dialog fits a phone');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 860 });
    await shot(page, 'customer-erase');
    const sent = page.waitForRequest((r) => r.method() === 'DELETE');
    await dialog.getByRole('button', { name: 'Erase customer', exact: true }).click();
    assert.match((await sent).url(), new RegExp(`/v1/customers/${erin.id}\\?suppress=true$`));
    await page.getByRole('heading', { name: 'Customer erased' }).waitFor();
    const result = await page.locator('.erase-result').innerText();
    assert.match(result, /Erased: 2 AI events, 0 webhook deliveries\./);
    assert.match(result, /Their email and phone are suppressed/);
    assert.equal(await page.getByRole('button', { name: /Erase customer/ }).count(), 0);
    assert.equal(await page.locator('main form').count(), 0, 'nothing left to act on');
    await shot(page, 'customer-erased');

    // Gone from every page: theirs, the search, the AI Events list and each event's page.
    await page.reload();
    await page.getByText('This customer does not exist.').waitFor();
    await page.goto(`${base}/console/#/customers?q=Eraseme`);
    await page.getByText('No customer matches “Eraseme”.').waitFor();
    await page.goto(`${base}/console/#/events`);
    await page.locator('.event-row').first().waitFor();
    const listed = await page.locator('main').innerText();
    for (const summary of summaries) assert.ok(!listed.includes(summary), summary);
    for (const id of ids) {
      await page.goto(`${base}/console/#/events/${id}`);
      await page.getByText('This event does not exist.').waitFor();
    }
    assert.deepEqual(page.errors, []);

    // Suppressed: an event with their email, however it is written, is not stored.
    const kept = await fetch(`${base}/v1/ai-events`, { method: 'POST',
      headers: { 'x-api-key': config.api_key, 'content-type': 'application/json' },
      body: JSON.stringify(event({ email: 'Erin.Erase@Example.COM' }, 'Erin wrote again.')) });
    assert.equal(kept.status, 202);
    assert.deepEqual(await kept.json(), { suppressed: true });
  });
});
