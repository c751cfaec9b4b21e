// A server restarted mid-chat, in headless Chromium: alice chats on node A, bob on node B of a
// cluster sharing one Redis. Node A stops; while it is down bob sends messages to the room and a
// direct message to alice; node A starts again on the same address. Alice's page reconnects by
// itself and shows every message sent meanwhile, once each and in order, and the chat goes on.
//   node web/e2e/restart.e2e.mjs http://127.0.0.1:PORT_A http://127.0.0.1:PORT_B
// The test driving it stops and starts node A: this script prints "STEP stop-a" (and later
// "STEP start-a") and waits for a line on its standard input saying the step is done.
// Exits 0 when every check held, 1 (with the reason) otherwise.
import { createInterface } from 'node:readline';
import { launch, chatPage, send, sees, check } from './browser.mjs';

const [baseA, baseB] = process.argv.slice(2);
if (!baseA || !baseB) {
  console.error('usage: node restart.e2e.mjs BASE_URL_A BASE_URL_B');
  process.exit(2);
}

const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Asks the driving test to do {@code step} and waits until it says it is done. */
async function step(name) {
  console.log(`STEP ${name}`);
  const { value, done } = await input.next();
  if (done) throw new Error(`the driving test went away during ${name}`);
  if (value.trim() !== 'done') throw new Error(`${name} failed: ${value}`);
}

const state = (page) => page.evaluate(() => document.querySelector('#status').dataset.state);

const browser = await launch();
await check(browser, async () => {
  const alice = await chatPage(browser, baseA, 'alice', { room: 'lobby', expect: 'websocket' });
  const bob = await chatPage(browser, baseB, 'bob', { room: 'lobby', expect: 'websocket' });
  await send(alice.page, 'before the restart');
  await sees(bob.page, '[data-testid="message"]', 'before the restart');
  console.log('alice on A and bob on B chat');

  await step('stop-a');
  await alice.page.waitForFunction(() => document.querySelector('#status').dataset.state !== 'connected',
    null, { timeout: 15000 });
  console.log(`node A is down; alice's page is ${await state(alice.page)}`);

  const meanwhile = Array.from({ length: 5 }, (_, i) => `sent while A was down #${i + 1}`);
  for (const text of meanwhile) {
    await send(bob.page, text);
    await sees(bob.page, '[data-testid="message"]', text);
  }
  await bob.page.fill('#dm-to', 'alice');
  await bob.page.fill('#dm-input', 'a direct message while A was down');
  await bob.page.click('#dm-send');
  await sees(bob.page, '[data-testid="dm"]', 'a direct message while A was down'); // shown once acknowledged
  if (await state(alice.page) === 'connected') throw new Error('alice was connected while node A was down');
  console.log(`bob sent ${meanwhile.length} room messages and a direct message meanwhile`);

  await step('start-a');
  await alice.page.waitForFunction(() => document.querySelector('#status').dataset.state === 'connected',
    null, { timeout: 30000 });
  console.log(`alice's page reconnected over ${await alice.page.evaluate(() => document.querySelector('#status').dataset.transport)}`);

  await sees(alice.page, '[data-testid="message"]', meanwhile.at(-1));
  await sees(alice.page, '[data-testid="dm"]', 'a direct message while A was down');
  const shown = await alice.page.evaluate(() => [...document.querySelectorAll('[data-testid="message"]')]
    .map((e) => e.textContent).filter((t) => t.includes('sent while A was down'))
    .map((t) => t.match(/sent while A was down #\d+/)[0]));
  if (JSON.stringify(shown) !== JSON.stringify(meanwhile)) {
    throw new Error(`alice's page shows ${JSON.stringify(shown)}, expected ${JSON.stringify(meanwhile)}`);
  }
  const dms = await alice.page.evaluate(() => [...document.querySelectorAll('[data-testid="dm"]')]
    .filter((e) => e.textContent.includes('a direct message while A was down')).length);
  if (dms !== 1) throw new Error(`alice's page shows the direct message ${dms} times`);
  console.log('alice sees every message sent meanwhile, once each and in order, and the direct message');

  await send(alice.page, 'after the restart');
  await sees(bob.page, '[data-testid="message"]', 'after the restart');
  console.log('the chat goes on');
});
