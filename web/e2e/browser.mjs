// What the browser tests share: Chromium from the system, the demo chat opened as a user, and
// waiting for text on a page.
import { chromium } from 'playwright-core';

/** Headless Chromium: CHROMIUM, or Debian's at /usr/bin/chromium. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The demo chat as {@code user} in a browser context of its own, connected and in {@code room}.
 * {@code transports} forces transports (comma-separated); {@code blocked} cuts transports off in
 * the browser ('websocket', 'sse'), so the SDK must fall back by itself. Waits until the page is
 * connected (over {@code expect}, when given) and has joined {@code room}.
 */
export async function chatPage(browser, base, user, {
  room, transports, blocked = [], expect, viewport = { width: 1100, height: 700 },
} = {}) {
  const context = await browser.newContext({ viewport });
  if (blocked.includes('websocket')) {
    await context.routeWebSocket(/\/ws(\/|\?|$)/, (ws) => ws.close({ code: 1008, reason: 'blocked by the test' }));
  }
  if (blocked.includes('sse')) {
    await context.route(/\/sse(\/|\?|$)/, (route) => route.abort());
  }
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error: ${e.message}`));
  const query = new URLSearchParams({ user, autoconnect: '1' });
  if (room) query.set('room', room);
  if (transports) query.set('transports', transports);
  await page.goto(`${base}/?${query}`);
  try {
    await page.waitForFunction(
      (t) => {
        const s = document.querySelector('#status');
        return s && s.dataset.state === 'connected' && (!t || s.dataset.transport === t);
      },
      expect ?? null,
      { timeout: 15000 },
    );
  } catch (e) {
    throw new Error(`${user} never connected${expect ? ` over ${expect}` : ''} (${await describe(page)}): ${e.message}`);
  }
  if (room) {
    // Joined (the join acknowledged) before anyone is asked to send to the room.
    try {
      await page.waitForFunction((r) => [...document.querySelectorAll('#rooms li.current')].some((li) => li.dataset.room === r),
        room, { timeout: 15000 });
    } catch (e) {
      throw new Error(`${user} never joined ${room} (${await describe(page)}): ${e.message}`);
    }
  }
  return { context, page };
}

/** Sends {@code text} to the page's current room. */
export async function send(page, text) {
  await page.fill('#message-input', text);
  await page.click('#send');
}

/** The page's connection status and notices, to explain a failure. */
async function describe(page) {
  return page.evaluate(() => {
    const status = document.querySelector('#status');
    const notices = [...document.querySelectorAll('[data-testid="notice"]')].slice(-5).map((e) => e.textContent);
    return `status ${status?.dataset.state}/${status?.dataset.transport}; last notices: ${JSON.stringify(notices)}`;
  }).catch((e) => `(page not readable: ${e.message})`);
}

/** Waits until an element matching {@code selector} contains {@code text}. */
export async function sees(page, selector, text, timeout = 15000) {
  try {
    await page.waitForFunction(
      ([sel, t]) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes(t)),
      [selector, text],
      { timeout },
    );
  } catch (e) {
    throw new Error(`${selector} never showed "${text}" (${await describe(page)}): ${e.message}`);
  }
}

/** Waits until the element {@code selector} holds exactly {@code text} (or contains it, for longer texts). */
export async function waitForText(page, selector, text, timeout = 15000) {
  await page.waitForFunction(
    ([sel, t]) => {
      const content = document.querySelector(sel)?.textContent?.trim() ?? '';
      return content === t || (t.length > 2 && content.includes(t));
    },
    [selector, text],
    { timeout },
  );
}

/** Runs {@code test}, then closes the browser and exits: 0 when it held, 1 with the reason. */
export async function check(browser, test) {
  let failed = false;
  try {
    await test();
    console.log('ok');
  } catch (e) {
    failed = true;
    console.error(`FAILED: ${e.stack ?? e.message}`);
  } finally {
    await browser.close();
  }
  process.exit(failed ? 1 : 0);
}
