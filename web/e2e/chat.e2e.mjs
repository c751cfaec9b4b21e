// The demo chat in headless Chromium against a running node: two browser contexts chat in a
// room and by direct message over WebSocket; with WebSocket blocked in the browser, over the
// SSE fallback; with SSE blocked too, over long-polling.
//   node web/e2e/chat.e2e.mjs http://127.0.0.1:PORT [SCREENSHOT.png]
// With a second argument, alice's page over WebSocket is saved there (docs/img/demo-chat.png).
// Exits 0 when every check held, 1 (with the reason) otherwise.
import { launch, chatPage, send, sees } from './browser.mjs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node chat.e2e.mjs BASE_URL');
  process.exit(2);
}
const screenshot = process.argv[3];
const browser = await launch();

// No transport is forced: the SDK tries WebSocket, then SSE, then long-polling.
const open = (user, transport, room, blocked) => chatPage(browser, base, user, { room, blocked, expect: transport });

let failed = false;
for (const [transport, blocked] of [['websocket', []], ['sse', ['websocket']], ['poll', ['websocket', 'sse']]]) {
  const room = `lobby-${transport}`;
  const alice = await open(`alice-${transport}`, transport, room, blocked);
  const bob = await open(`bob-${transport}`, transport, room, blocked);
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
    if (screenshot && transport === 'websocket') {
      await alice.page.screenshot({ path: screenshot });
    }
    console.log(`ok: two browsers chat in a room and by direct message over ${transport}`
      + (blocked.length ? ` (blocked in the browser: ${blocked.join(', ')})` : ''));
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
