// The browser SDK itself, in headless Chromium against a running node: over each transport
// forced by the `transports` option, every command answers a Promise (acks resolve, errors
// reject with their code), rooms, direct messages and presence work, and a closed client
// rejects; against an address where nothing listens, reconnect delays grow with the attempts
// within their bounds, and differ between two clients (jitter).
//   node web/e2e/sdk.e2e.mjs http://127.0.0.1:PORT
// Exits 0 when every check held, 1 (with the reason) otherwise.
import { launch, check } from './browser.mjs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node sdk.e2e.mjs BASE_URL');
  process.exit(2);
}

const browser = await launch();
await check(browser, async () => {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${base}/`); // any page of the node: the SDK is imported from it below

  for (const transport of ['websocket', 'sse', 'poll']) {
    const result = await page.evaluate(async (t) => {
      const { SwitchboardClient, SwitchboardError } = await import('/js/switchboard.js');
      const user = `sdk-${t}`;
      const room = `sdk-room-${t}`;
      const client = new SwitchboardClient({ user, transports: [t] });
      const used = [];
      client.on('transport', (name) => used.push(name));
      const messages = [];
      const directs = [];
      const got = (list, n) => new Promise((resolve, reject) => {
        const started = Date.now();
        const wait = () => (list.length >= n ? resolve() : Date.now() - started > 10000
          ? reject(new Error(`waited for ${n}, have ${list.length}`)) : setTimeout(wait, 20));
        wait();
      });
      client.on('message', (m) => messages.push(m));
      client.on('direct_message', (m) => directs.push(m));
      const refusal = (promise) => promise.then(
        () => 'resolved',
        (e) => (e instanceof SwitchboardError ? e.code : `not a SwitchboardError: ${e}`),
      );

      const connected = await client.connect();
      const joined = await client.join(room);
      const published = await client.publish(room, { text: 'hello' });
      await got(messages, 1);
      const members = (await client.presence(room)).members.map((m) => m.user_id);
      await client.sendDirect(user, 'to myself');
      await got(directs, 1);
      const pong = await client.ping();
      const notJoined = await refusal(client.publish(`${room}-other`, 'x'));
      const badRoom = await refusal(client.join('not a room name'));
      client.close();
      const afterClose = await refusal(client.publish(room, 'late'));
      return {
        used, state: client.state, connectedUser: connected.user_id,
        joinedOffset: joined.offset, joinedEpoch: typeof joined.epoch,
        publishedOffset: published.offset, message: messages[0].content.text, messageOffset: messages[0].offset,
        members, direct: directs[0].content, pong: pong.type, notJoined, badRoom, afterClose,
      };
    }, transport);
    const expect = (what, actual, expected) => {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(`${transport}: ${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
      }
    };
    expect('the transports used', result.used, [transport]);
    expect('the connected user', result.connectedUser, `sdk-${transport}`);
    expect('the joined epoch', result.joinedEpoch, 'string');
    expect('the published offset', result.publishedOffset, result.joinedOffset + 1);
    expect('the message', [result.message, result.messageOffset], ['hello', result.publishedOffset]);
    expect('the members', result.members, [`sdk-${transport}`]);
    expect('the direct message', result.direct, 'to myself');
    expect('the ping', result.pong, 'pong');
    expect('publishing to a room not joined', result.notJoined, 'forbidden');
    expect('joining a bad room name', result.badRoom, 'bad_request');
    expect('a command after close', result.afterClose, 'closed');
    expect('the state after close', result.state, 'closed');
    console.log(`${transport}: acks resolve, errors reject with their code, rooms, direct messages and presence work`);
  }

  // Nothing listens on port 1: every attempt fails at once and the client waits before the next.
  const delays = await page.evaluate(async () => {
    const { SwitchboardClient } = await import('/js/switchboard.js');
    const attempts = 8;
    const run = () => new Promise((resolve) => {
      const client = new SwitchboardClient({ url: 'http://127.0.0.1:1', user: 'nobody', transports: ['websocket'],
        minDelay: 20, maxDelay: 300 });
      const seen = [];
      client.on('reconnecting', ({ attempt, delay }) => {
        seen.push({ attempt, delay });
        if (seen.length === attempts) {
          client.close();
          resolve(seen);
        }
      });
      client.connect().catch((e) => { // rejected by the close above, and only so
        if (e.code !== 'closed') console.error(`connect failed: ${e}`);
      });
    });
    return Promise.all([run(), run()]);
  });
  for (const sequence of delays) {
    sequence.forEach(({ attempt, delay }, i) => {
      const ceiling = Math.min(300, 20 * 2 ** (attempt - 1));
      if (attempt !== i + 1 || delay < 20 || delay > ceiling) {
        throw new Error(`attempt ${attempt}: delay ${delay} ms outside [20, ${ceiling}]: ${JSON.stringify(sequence)}`);
      }
    });
  }
  const [first, second] = delays.map((sequence) => sequence.map((d) => d.delay));
  if (JSON.stringify(first) === JSON.stringify(second)) throw new Error(`no jitter: both waited ${first}`);
  if (Math.max(...first.slice(4)) <= Math.max(...first.slice(0, 2))) throw new Error(`delays do not grow: ${first}`);
  console.log(`reconnect delays grow within their bounds, with jitter: ${first.join(', ')} / ${second.join(', ')} ms`);
});
