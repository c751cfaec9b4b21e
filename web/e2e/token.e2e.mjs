// The demo chat in headless Chromium against a node that admits only users with a token: without
// one, the page says "token required" at once, whether it connects by itself or from its form,
// and opens no connection; with one, it connects.
//   node web/e2e/token.e2e.mjs http://127.0.0.1:PORT TOKEN_OF_ALICE
// Exits 0 when every check held, 1 (with the reason) otherwise.
import { launch, waitForText, check } from './browser.mjs';

const [base, token] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node token.e2e.mjs BASE_URL TOKEN_OF_ALICE');
  process.exit(2);
}

// Well below the 10 s that an attempt without a token would take to fail.
const AT_ONCE_MS = 3000;

/** A page of its own, recording every connection it opens. */
async function open(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const attempts = [];
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('websocket', (ws) => attempts.push(ws.url()));
  page.on('request', (request) => {
    if (/\/(sse|poll|session)(\/|\?|$)/.test(new URL(request.url()).pathname)) attempts.push(request.url());
  });
  return { context, page, attempts };
}

/** The login form says "token required" within AT_ONCE_MS, and no connection was tried. */
async function toldTokenRequired({ page, attempts }, how) {
  try {
    await waitForText(page, '#login-error', 'token required', AT_ONCE_MS);
  } catch (e) {
    const said = await page.textContent('#login-error');
    throw new Error(`${how}: no "token required" within ${AT_ONCE_MS} ms (the form says "${said}"): ${e.message}`);
  }
  if (attempts.length > 0) throw new Error(`${how}: the page tried to connect without a token: ${attempts.join(', ')}`);
  if (await page.isVisible('#chat')) throw new Error(`${how}: the chat opened without a token`);
}

const browser = await launch();
await check(browser, async () => {
  const auto = await open(browser);
  await auto.page.goto(`${base}/?user=alice&autoconnect=1`);
  await toldTokenRequired(auto, 'opened with a user and no token');
  await waitForText(auto.page, '#token-hint', '(required on this node)');
  await auto.context.close();
  console.log('ok: opened without a token, the page says "token required" at once');

  const form = await open(browser);
  await form.page.goto(`${base}/`);
  await form.page.fill('#user', 'alice');
  await form.page.click('#connect');
  await toldTokenRequired(form, 'connecting from the form without a token');
  console.log('ok: connecting from the form without a token, the page says "token required" at once');

  await form.page.fill('#token', token);
  await form.page.click('#connect');
  await form.page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'connected',
    null, { timeout: 15000 });
  await waitForText(form.page, '#status', 'alice');
  await form.context.close();
  console.log('ok: with a token, the page connects');
});
