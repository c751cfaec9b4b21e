// The browser SDK against a secure node, over SSE and long-polling: the session's polls,
// command POSTs and its DELETE carry the user's token (a secure node serves a session only to
// its user), so commands are answered, pushes arrive, and closing ends the session on the node.
//   node web/e2e/sdk-secure.e2e.mjs http://127.0.0.1:PORT TOKEN
// TOKEN is a token of user `secure-user`. Exits 0 when every check held, 1 (with the reason) otherwise.
import { launch, check } from './browser.mjs';

const [base, token] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node sdk-secure.e2e.mjs BASE_URL TOKEN');
  process.exit(2);
}

const browser = await launch();
await check(browser, async () => {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${base}/`);

  for (const transport of ['sse', 'poll']) {
    const result = await page.evaluate(async ({ t, token }) => {
      const { SwitchboardClient } = await import('/js/switchboard.js');
      const room = `secure-room-${t}`;
      const client = new SwitchboardClient({ token, transports: [t] });
      const messages = [];
      client.on('message', (m) => messages.push(m));
      const connected = await client.connect();
      await client.join(room);
      await client.publish(room, 'over a secured session');
      await new Promise((resolve, reject) => {
        const started = Date.now();
        const wait = () => (messages.length > 0 ? resolve() : Date.now() - started > 10000
          ? reject(new Error('no message came')) : setTimeout(wait, 20));
        wait();
      });
      const pong = await client.ping();
      client.close();
      return { user: connected.user_id, session: connected.session, message: messages[0].content, pong: pong.type };
    }, { t: transport, token });
    if (result.user !== 'secure-user' || result.message !== 'over a secured session' || result.pong !== 'pong') {
      throw new Error(`${transport}: ${JSON.stringify(result)}`);
    }
    console.log(`${transport}: session ${result.session} served to its token`);
  }
});
