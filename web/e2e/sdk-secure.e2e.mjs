// The browser SDK against a secure node, over SSE and long-polling: the session's polls,
// command POSTs and its DELETE carry the user's token (a secure node serves a session only to
// its user), so commands are answered, pushes arrive, and closing ends the session on the node.
// Then `refresh` over long-polling: a token about to expire that grants the club is replaced by
// one that does not; the server leaves the club, and past the first token's expiry the session's
// requests still prove the user, with the new token.
//   node web/e2e/sdk-secure.e2e.mjs http://127.0.0.1:PORT TOKEN SHORT_TOKEN LATER_TOKEN
// The tokens are of user `secure-user`: TOKEN valid for an hour; SHORT_TOKEN for a few seconds,
// granting `$club:*`; LATER_TOKEN for an hour, granting nothing. Exits 0 when every check held,
// 1 (with the reason) otherwise.
import { launch, check } from './browser.mjs';

const [base, token, shortToken, laterToken] = process.argv.slice(2);
if (!base || !token || !shortToken || !laterToken) {
  console.error('usage: node sdk-secure.e2e.mjs BASE_URL TOKEN SHORT_TOKEN LATER_TOKEN');
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

  const refreshed = await page.evaluate(async ({ shortToken, laterToken }) => {
    const { SwitchboardClient } = await import('/js/switchboard.js');
    const client = new SwitchboardClient({ token: shortToken, transports: ['poll'], reconnect: false });
    const disconnects = [];
    client.on('disconnect', (d) => disconnects.push(d.code));
    await client.connect();
    await client.join('$club:lounge');
    const ack = await client.refresh(laterToken);
    // Wait out the first token (its expiry, then the node's 1 s leeway): from then on only the
    // new one proves the user, on the polls and on the POSTs.
    const expiry = JSON.parse(atob(shortToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry + 1500 - Date.now())));
    let refused = null;
    try {
      await client.publish('$club:lounge', 'after the refresh');
    } catch (error) {
      refused = error.code;
    }
    const pong = await client.ping();
    const state = client.state;
    client.close();
    return { left: ack.left_rooms, expires: ack.expires_at, refused, pong: pong.type, state, disconnects };
  }, { shortToken, laterToken });
  if (!refreshed.left?.includes('$club:lounge') || refreshed.refused !== 'forbidden' || refreshed.pong !== 'pong'
      || refreshed.state !== 'connected' || refreshed.disconnects.length > 0 || !(refreshed.expires > Date.now() / 1000)) {
    throw new Error(`refresh: ${JSON.stringify(refreshed)}`);
  }
  console.log('refresh: the club was left, and the session outlived the first token on the new one');
});
