// The demo chat in headless Chromium against a running node: two browser contexts chat in a
// room and by direct message, over each transport (WebSocket, SSE, long-polling).
//   node web/e2e/chat.e2e.mjs http://127.0.0.1:PORT
// Exits 0 when every check held, 1 (with the reason) otherwise.
import { chromium } from 'playwright-core';

const base = process.argv[2];
if (!base) {
  console.error('usage: node chat.e2e.mjs BASE_URL');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

async function open(user, transport, room) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error: ${e.message}`));
  await page.goto(`${base}/?user=${user}&transports=${transport}&room=${room}&autoconnect=1`);
  await page.waitForFunction(
    (t) => {
      const s = document.querySelector('#status');
      return s && s.textContent.includes('connected') && s.textContent.includes(t);
    },
    transport,
    { timeout: 15000 },
  );
  return { context, page };
}

async function send(page, text) {
  await page.fill('#message-input', text);
  await page.click('#send');
}

async function sees(page, selector, text) {
  await page.waitForFunction(
    ([sel, t]) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes(t)),
    [selector, text],
    { timeout: 15000 },
  );
}

let failed = false;
for (const transport of ['websocket', 'sse', 'poll']) {
  const room = `lobby-${transport}`;
  const alice = await open(`alice-${transport}`, transport, room);
  const bob = await open(`bob-${transport}`, transport, room);
  try {
    await send(alice.page, `hello from alice over ${transport}`);
    await sees(bob.page, '[data-testid="message"]', `hello from alice over ${transport}`);
    await send(bob.page, `hi alice, bob over ${transport}`);
    await sees(alice.page, '[data-testid="message"]', `hi alice, bob over ${transport}`);
    await sees(alice.page, '[data-testid="online-user"]', `bob-${transport}`);
    await alice.page.fill('#dm-to', `bob-${transport}`);
    await alice.page.fill('#dm-input', `psst over ${transport}`);
    await alice.page.click('#dm-send');
    await sees(bob.page, '[data-testid="dm"]', `psst over ${transport}`);
    console.log(`ok: two browsers chat in a room and by direct message over ${transport}`);
  } catch (e) {
    failed = true;
    console.error(`FAILED over ${transport}: ${e.message}`);
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
}
await browser.close();
process.exit(failed ? 1 : 0);
