// The admin dashboard in headless Chromium against a running cluster of two nodes: it refuses a
// wrong API key, then with the right one shows the live connections of both nodes by transport
// (alice's demo chat over WebSocket on the first node, bob's over SSE on the second), the room
// and its members, message rates and drawn charts; it disconnects bob, whose page stops.
//   node web/e2e/admin.e2e.mjs http://127.0.0.1:PORT_A http://127.0.0.1:PORT_B API_KEY [SCREENSHOT.png]
// With a fourth argument, the dashboard is saved there just before bob is disconnected.
// Exits 0 when every check held, 1 (with the reason) otherwise.
import { launch, chatPage, waitForText, check } from './browser.mjs';

const [baseA, baseB, apiKey, screenshot] = process.argv.slice(2);
if (!baseA || !baseB || !apiKey) {
  console.error('usage: node admin.e2e.mjs BASE_URL_A BASE_URL_B API_KEY [SCREENSHOT]');
  process.exit(2);
}

const browser = await launch();
await check(browser, async () => {
  const alice = await chatPage(browser, baseA, 'alice', { room: 'lobby', transports: 'websocket' });
  const bob = await chatPage(browser, baseB, 'bob', { room: 'lobby', transports: 'sse' });
  console.log('alice over websocket on A, bob over sse on B');

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await context.newPage();
  const problems = [];
  admin.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // The page must work within its own content security policy.
  await admin.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)));
  admin.on('console', (m) => {
    if (/Content Security Policy|CSP violation/i.test(m.text())) problems.push(m.text());
  });
  await admin.goto(`${baseA}/admin`);

  // A wrong key is refused by the node; the dashboard stays closed.
  await admin.fill('#api-key', 'not-the-key');
  await admin.click('#sign-in');
  await waitForText(admin, '#login-error', 'refused');
  if (await admin.isVisible('#dashboard')) throw new Error('the dashboard opened with a wrong key');
  console.log('a wrong key is refused');

  await admin.fill('#api-key', apiKey);
  await admin.click('#sign-in');
  await admin.waitForSelector('#dashboard', { state: 'visible' });

  // Both nodes, each with its own connection on its own transport (the second one's counts
  // arrive with its heartbeat).
  await admin.waitForFunction(() => {
    const count = (node, transport) => document
      .querySelector(`#nodes tr[data-node="${node}"] td[data-transport="${transport}"]`)?.textContent;
    return count('node-0', 'websocket') === '1' && count('node-0', 'sse') === '0'
      && count('node-1', 'sse') === '1' && count('node-1', 'websocket') === '0';
  }, null, { timeout: 15000 });
  await waitForText(admin, '#tile-nodes', '2');
  await waitForText(admin, '#tile-connections', '2');
  await waitForText(admin, '#tile-users', '2');
  console.log('nodes show the live connections by transport');

  // The room and its members.
  await admin.click('#rooms tr[data-room="lobby"]');
  await admin.waitForSelector('#members tr[data-user="alice"]');
  await admin.waitForSelector('#members tr[data-user="bob"]');
  console.log('the room lists its members');

  // Messages move the rates: chat while the dashboard polls.
  let sent = 0;
  const chatting = setInterval(() => {
    sent++;
    alice.page.fill('#message-input', `tick ${sent}`).then(() => alice.page.click('#send')).catch(() => {});
  }, 150);
  try {
    await admin.waitForFunction(() => {
      const rate = Number(document.querySelector('#tile-rate').textContent.replace(/,/g, ''));
      const row = document.querySelector('#nodes tr[data-node="node-0"]');
      return rate > 0 && row && Number(row.cells[10].textContent) > 0 && Number(row.cells[12].textContent) > 0;
    }, null, { timeout: 15000 });
  } finally {
    clearInterval(chatting);
  }
  console.log(`message rates rise while alice chats (${sent} messages)`);

  // The charts are drawn: the connections chart holds the WebSocket and SSE line colours.
  const colours = await admin.evaluate(() => {
    const canvas = document.querySelector('#chart-connections');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const near = (i, [r, g, b]) => Math.abs(data[i] - r) < 30 && Math.abs(data[i + 1] - g) < 30 && Math.abs(data[i + 2] - b) < 30 && data[i + 3] > 200;
    let websocket = 0;
    let sse = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (near(i, [0x2f, 0x6f, 0xeb])) websocket++;
      if (near(i, [0x1a, 0x7f, 0x37])) sse++;
    }
    return { websocket, sse };
  });
  if (colours.websocket < 10 || colours.sse < 10) throw new Error(`the connections chart is not drawn: ${JSON.stringify(colours)}`);
  console.log('the charts are drawn');

  if (screenshot) {
    await admin.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  }

  // Disconnect bob from the members list: his page is closed and not invited back.
  await admin.click('#members tr[data-user="bob"] button');
  await admin.click('#disconnect');
  await waitForText(admin, '#notice', 'Disconnected bob');
  await bob.page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'closed', null, { timeout: 15000 });
  await admin.waitForFunction(() => {
    const row = document.querySelector('#nodes tr[data-node="node-1"] td[data-transport="sse"]');
    return row?.textContent === '0' && !document.querySelector('#members tr[data-user="bob"]');
  }, null, { timeout: 15000 });
  await waitForText(admin, '#tile-connections', '1');
  console.log('bob disconnected: his page closed, the dashboard shows it');

  if (problems.length) throw new Error(`the dashboard had problems: ${problems.join('; ')}`);
});
