/**
 * Switchboard browser client: one ES module, no dependencies.
 *
 * Speaks the frames of docs/protocol.md over WebSocket, Server-Sent Events or long-polling
 * (docs/transports.md), falling back in that order. Like the Java SDK it reconnects with
 * backoff, rejoins its rooms asking for what it missed, recovers missed direct messages, and
 * delivers every message once, in offset order.
 *
 * @example
 * import { connect } from '/js/switchboard.js';
 * const client = await connect({ user: 'alice' });
 * client.on('message', (m) => console.log(m.from, m.content));
 * await client.join('lobby');
 * await client.publish('lobby', 'hello');
 */

/** @typedef {{ code: number, reason: string, status?: number }} CloseInfo */
/** @typedef {{ offset: number, epoch: string }} Position */
/** @typedef {{ last: number, epoch: string | null, waiting: object[] | null }} Stream */
/** @typedef {{ frame: (frame: object) => void, closed: (how: CloseInfo) => void }} LinkEvents */
/** @typedef {{ name: string, send: (command: object) => void, close: () => void }} Link */
/** @typedef {{ base: string, user?: string, token?: string }} LinkParams */

const ALL_TRANSPORTS = ['websocket', 'sse', 'poll'];
const MAX_COMMANDS_PER_POST = 100;

/** An error answered by the server (`code` as in docs/protocol.md), or `closed`. */
export class SwitchboardError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
  }
}

// --- transports: each opens one connection and reports its frames and its end ---

/**
 * The URL of a transport's endpoint: `/{kind}/{user}` (or `/{kind}`) with `?token=`.
 * @param {LinkParams} params
 * @param {string} kind
 */
function endpoint({ base, user, token }, kind) {
  const path = user == null ? `/${kind}` : `/${kind}/${encodeURIComponent(user)}`;
  const url = new URL(path, base);
  if (token) url.searchParams.set('token', token);
  return url;
}

/** Parses one frame; reports bad JSON as an `error` frame of code `bad_frame`. */
function parseFrame(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    return { type: 'error', code: 'bad_frame', message: `server sent invalid JSON: ${error.message}` };
  }
}

/**
 * A WebSocket link: commands and frames both ways on `/ws/{user}`.
 * @param {LinkParams} params
 * @param {LinkEvents} events
 * @returns {Link}
 */
function openWebSocket(params, events) {
  const url = endpoint(params, 'ws');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  socket.onmessage = (event) => events.frame(parseFrame(event.data));
  socket.onclose = (event) => events.closed({ code: event.code, reason: event.reason || 'connection lost' });
  // Browsers close after an error; some runtimes (Node's) may not: an error ends the link too.
  socket.onerror = () => events.closed({ code: 1006, reason: 'websocket failed' });
  return {
    name: 'websocket',
    send: (command) => socket.send(JSON.stringify(command)),
    close: () => socket.close(1000),
  };
}

/**
 * The request headers of `POST` and `DELETE /session/{id}`: a secure node serves a session only
 * to its user, proven by the same token.
 * @param {LinkParams} params
 */
function sessionHeaders({ token }) {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * Sends the commands of an SSE or long-polling session as `POST /session/{id}`, one request at
 * a time so that the server serves them in order, batching those queued meanwhile.
 * @param {LinkParams} params
 * @param {() => string} session the session id, read when a request goes
 * @param {(frame: object) => void} reply takes each frame of `{"replies": [...]}`
 * @param {(how: CloseInfo) => void} fail ends the link when a request fails
 */
function commandPoster(params, session, reply, fail) {
  const queue = [];
  let busy = false;
  async function flush() {
    if (busy || queue.length === 0) return;
    busy = true;
    const batch = queue.splice(0, MAX_COMMANDS_PER_POST);
    try {
      const response = await fetch(new URL(`/session/${encodeURIComponent(session())}`, params.base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sessionHeaders(params) },
        body: JSON.stringify(batch),
      });
      if (!response.ok) throw httpError(response);
      const { replies } = await response.json();
      replies.forEach(reply);
      busy = false;
      flush();
    } catch (error) {
      fail({ code: 1006, reason: `commands failed: ${error.message}` });
    }
  }
  return (command) => {
    queue.push(command);
    queueMicrotask(flush);
  };
}

/** Ends an HTTP session (`DELETE /session/{id}`), best effort, also while the page unloads. */
function deleteSession(params, session) {
  fetch(new URL(`/session/${encodeURIComponent(session)}`, params.base),
    { method: 'DELETE', keepalive: true, headers: sessionHeaders(params) })
    .catch((error) => console.debug('switchboard: ending the session failed', error));
}

/** @param {Response} response */
function httpError(response) {
  return Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
}

/**
 * A Server-Sent Events link: frames on `GET /sse/{user}`, commands as POSTs. A dropped stream
 * is resumed once with `?session=` and the last event id; when that fails the link ends.
 * @param {LinkParams} params
 * @param {LinkEvents} events
 * @returns {Link}
 */
function openSse(params, events) {
  let session = null;
  let lastId = 0;
  let source = null;
  let resuming = false;
  let ended = false;
  const end = (how, release = true) => {
    if (ended) return;
    ended = true;
    source.close();
    if (release && session) deleteSession(params, session);
    events.closed(how);
  };
  const send = commandPoster(params, () => session, events.frame, end);

  function onEvent(event) {
    const frame = parseFrame(event.data);
    const id = Number(event.lastEventId);
    if (frame.type === 'connected' && frame.session !== session) {
      session = frame.session; // a new session: its event ids start again
    } else if (id <= lastId) {
      return; // replayed by a resumed stream, seen already
    }
    lastId = id;
    events.frame(frame);
    if (frame.type === 'disconnect') end({ code: frame.code, reason: frame.reason }, false);
  }

  function attach(url) {
    source = new EventSource(url);
    source.onopen = () => { resuming = false; };
    source.onmessage = onEvent;
    // EventSource would reconnect by itself, without the session: take over.
    source.onerror = () => {
      if (ended) return;
      source.close();
      if (!session || resuming) {
        end({ code: 1006, reason: 'event stream failed' });
        return;
      }
      resuming = true;
      const url = endpoint(params, 'sse');
      url.searchParams.set('session', session);
      url.searchParams.set('lastEventId', String(lastId));
      attach(url);
    };
  }

  attach(endpoint(params, 'sse'));
  return { name: 'sse', send, close: () => end({ code: 1000, reason: 'closed' }) };
}

/**
 * A long-polling link: `GET /poll/{user}` opens the session, then `GET /poll?session=&ack=`
 * acknowledges what came and waits for more; commands go as POSTs.
 * @param {LinkParams} params
 * @param {LinkEvents} events
 * @returns {Link}
 */
function openPoll(params, events) {
  const aborter = new AbortController();
  let session = null;
  let ended = false;
  const end = (how, release = true) => {
    if (ended) return;
    ended = true;
    aborter.abort();
    if (release && session) deleteSession(params, session);
    events.closed(how);
  };
  const send = commandPoster(params, () => session, events.frame, end);

  async function get(url) {
    const response = await fetch(url, { signal: aborter.signal, cache: 'no-store' });
    if (!response.ok) throw httpError(response);
    return response.json();
  }

  async function run() {
    let body = await get(endpoint(params, 'poll'));
    for (;;) {
      for (const frame of body.frames) {
        if (frame.type === 'connected') session = frame.session;
        events.frame(frame);
        if (frame.type === 'disconnect') end({ code: frame.code, reason: frame.reason }, false);
        if (ended) return;
      }
      const next = endpoint(params, 'poll');
      next.searchParams.set('session', session);
      next.searchParams.set('ack', String(body.seq));
      body = await get(next);
    }
  }

  run().catch((error) => end({ code: 1006, reason: `poll failed: ${error.message}`, status: error.status },
    error.status !== 404));
  return { name: 'poll', send, close: () => end({ code: 1000, reason: 'closed' }) };
}

/** @type {Record<string, (params: LinkParams, events: LinkEvents) => Link>} */
const TRANSPORTS = { websocket: openWebSocket, sse: openSse, poll: openPoll };

// --- the client ---

/**
 * A Switchboard client. Commands return Promises resolved with the server's `ack` (`pong` for
 * `ping`), rejected with a {@link SwitchboardError} carrying the `error` frame's `code`, or
 * `closed` when the connection goes first. Pushes arrive as events (see {@link on}).
 */
export class SwitchboardClient {
  #options;
  #handlers = new Map();
  #pending = new Map();
  #ids = 0;
  /** @type {Map<string, Stream>} */
  #rooms = new Map();
  /** @type {Stream} */
  #direct = { last: -1, epoch: null, waiting: null };

  #link = null;
  /** What the current link was opened with; a refresh changes its token. @type {LinkParams | null} */
  #params = null;
  #generation = 0;
  #everConnected = false;
  #closed = false;
  #retry = true;
  #attempts = 0;
  #candidates = [];
  #remembered = null;
  #timer = null;
  #state = 'idle';
  #connecting = null;

  /**
   * @param {object} [options]
   * @param {string} [options.url] the server's http(s) base URL; default `location.origin`
   * @param {string} [options.user] the user id in the path (servers in insecure mode)
   * @param {string | (() => string | Promise<string>)} [options.token] sent as `?token=`; a
   *   function is asked again for every connection attempt
   * @param {string[]} [options.transports] in the order to try; default websocket, sse, poll
   * @param {boolean} [options.reconnect] reconnect when the connection is lost; default true
   * @param {number} [options.minDelay] reconnect delay bounds in ms; default 100 and 10000
   * @param {number} [options.maxDelay]
   * @param {number} [options.connectTimeout] ms to wait for `connected`; default 10000
   */
  constructor(options = {}) {
    const url = options.url ?? globalThis.location?.origin;
    if (!url) throw new TypeError('SwitchboardClient: give options.url');
    const base = new URL(url, globalThis.location?.href);
    const transports = options.transports ?? ALL_TRANSPORTS;
    const unknown = transports.filter((name) => !TRANSPORTS[name]);
    if (transports.length === 0 || unknown.length > 0) {
      throw new TypeError(`SwitchboardClient: transports are ${ALL_TRANSPORTS.join(', ')}`);
    }
    this.#options = {
      url: base.origin,
      user: options.user,
      token: options.token,
      transports: [...transports],
      reconnect: options.reconnect ?? true,
      minDelay: options.minDelay ?? 100,
      maxDelay: options.maxDelay ?? 10_000,
      connectTimeout: options.connectTimeout ?? 10_000,
    };
  }

  /** The transport of the current connection (`websocket`, `sse`, `poll`), or null. */
  get transport() {
    return this.#state === 'connected' ? this.#remembered : null;
  }

  /** `idle`, `connecting`, `connected`, `reconnecting` or `closed`. */
  get state() {
    return this.#state;
  }

  /** Starts connecting; resolves with the first `connected` frame. Calling again returns the same Promise. */
  connect() {
    if (!this.#connecting) {
      this.#connecting = {};
      this.#connecting.promise = new Promise((resolve, reject) => Object.assign(this.#connecting, { resolve, reject }));
      if (this.#closed) this.#connecting.reject(new SwitchboardError('closed', 'the client was closed'));
      else this.#startRound();
    }
    return this.#connecting.promise;
  }

  /** Closes for good: no reconnect; pending commands reject with `closed`. */
  close() {
    const link = this.#link;
    this.#finish({ code: 1000, reason: 'closed' }); // first: what the link reports now is stale
    link?.close();
  }

  /**
   * Adds an event handler. Events: `message`, `direct_message`, `presence`, `join`, `leave`,
   * `connected`, `disconnect` (the frames), `transport` (its name), `reconnecting`
   * ({attempt, delay}), `recovery_failed` (the room, or null for direct messages), `error`
   * (a SwitchboardError), `close` ({code, reason}).
   */
  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, new Set());
    this.#handlers.get(type).add(handler);
    return this;
  }

  /** Removes a handler added with {@link on}. */
  off(type, handler) {
    this.#handlers.get(type)?.delete(handler);
    return this;
  }

  /** Joins a room; resolves with the ack (`offset`, `epoch`). */
  join(room) {
    // Already joined: the room goes on from where it stands; joining again changes nothing.
    if (this.#rooms.get(room)?.epoch != null) return this.#request({ type: 'join_room', room });
    return this.#join(room, null, false);
  }

  /** Leaves a room; its messages are no longer tracked for recovery. */
  async leave(room) {
    const ack = await this.#request({ type: 'leave_room', room });
    this.#rooms.delete(room);
    return ack;
  }

  /**
   * Publishes `content` (any JSON value) to a joined room; the ack carries its `offset`. With
   * `{idempotencyKey}`, a retry under the same key within 5 minutes (after an `unavailable`
   * error or a lost connection, say) is not published twice: it is answered with the offset of
   * the first.
   */
  publish(room, content, { idempotencyKey } = {}) {
    const command = { type: 'room_message', room, content };
    if (idempotencyKey !== undefined) command.idempotency_key = idempotencyKey;
    return this.#request(command);
  }

  /** Sends `content` to every connection of user `to`; `{idempotencyKey}` as for `publish`. */
  sendDirect(to, content, { idempotencyKey } = {}) {
    const command = { type: 'direct_message', to, content };
    if (idempotencyKey !== undefined) command.idempotency_key = idempotencyKey;
    return this.#request(command);
  }

  /** Who is in `room` (`members: [{user_id, connections}]`); for the room `presence`, who is online. */
  presence(room) {
    return this.#request({ type: 'presence', room });
  }

  /**
   * Hands the server a fresh token (for the same user) before the current one expires; resolves
   * with the ack: `expires_at`, and `left_rooms`, the rooms the new token no longer grants,
   * which the server has left and which are not rejoined. The connection's later requests (its
   * polls and POSTs over SSE and long-polling) carry the new token; so do later connections,
   * unless `options.token` is a function, which is asked as before.
   * @param {string} token
   */
  async refresh(token) {
    const ack = await this.#request({ type: 'refresh', token });
    for (const room of ack.left_rooms ?? []) this.#rooms.delete(room);
    if (this.#params) this.#params.token = token;
    if (typeof this.#options.token !== 'function') this.#options.token = token;
    return ack;
  }

  /** Round trip to the server; resolves with the `pong`. */
  ping() {
    return this.#request({ type: 'ping' });
  }

  /**
   * A joined room's kept messages (`publications`, oldest first; with `reverse`, the newest
   * `limit` of them, newest first).
   * @param {string} room
   * @param {{ since?: Position, limit?: number, reverse?: boolean }} [opts]
   */
  history(room, { since, limit, reverse } = {}) {
    return this.#request({ type: 'history', room, since, limit, reverse });
  }

  // --- events and commands ---

  #emit(type, ...args) {
    for (const handler of [...(this.#handlers.get(type) ?? [])]) {
      try {
        handler(...args);
      } catch (error) {
        queueMicrotask(() => { throw error; }); // report it, keep dispatching
      }
    }
  }

  /** Sends a command with a fresh `id`; settles on its reply. */
  #request(command) {
    if (!this.#link || this.#state !== 'connected') {
      return Promise.reject(new SwitchboardError('closed', 'not connected'));
    }
    const id = ++this.#ids;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#link.send({ ...command, id });
      } catch (error) {
        this.#pending.delete(id);
        reject(new SwitchboardError('closed', error.message));
      }
    });
  }

  #failPending(error) {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    pending.forEach(({ reject }) => reject(error));
  }

  // --- connection lifecycle ---

  /** A round of attempts: the transport that worked last first, then the others in order. */
  #startRound() {
    const { transports } = this.#options;
    this.#candidates = this.#remembered
      ? [this.#remembered, ...transports.filter((name) => name !== this.#remembered)]
      : [...transports];
    this.#state = this.#everConnected ? 'reconnecting' : 'connecting';
    this.#openNext();
  }

  async #openNext() {
    const gen = ++this.#generation;
    const name = this.#candidates.shift();
    const events = {
      frame: (frame) => gen === this.#generation && this.#onFrame(frame, name),
      closed: (how) => this.#onLinkClosed(gen, how),
    };
    try {
      const { url, user, token } = this.#options;
      const params = { base: url, user, token: typeof token === 'function' ? await token() : token };
      if (gen !== this.#generation || this.#closed) return;
      this.#params = params;
      this.#link = TRANSPORTS[name](params, events);
    } catch (error) {
      events.closed({ code: 1006, reason: `${name}: ${error.message}` });
      return;
    }
    const link = this.#link;
    this.#timer = setTimeout(() => {
      if (gen !== this.#generation || this.#state === 'connected') return;
      events.closed({ code: 1006, reason: `${name}: no connected frame in time` });
      link.close();
    }, this.#options.connectTimeout);
  }

  /** A connection ended: try the next transport, or reconnect after a delay, or finish. */
  #onLinkClosed(gen, how) {
    if (gen !== this.#generation || this.#closed) return;
    this.#generation++; // later reports of this link are stale
    clearTimeout(this.#timer);
    const wasReady = this.#state === 'connected';
    this.#link = null;
    this.#state = this.#everConnected ? 'reconnecting' : 'connecting';
    this.#failPending(new SwitchboardError('closed', `connection closed (${how.code} ${how.reason})`));
    if (how.status >= 400 && how.status < 500 && how.status !== 429) this.#retry = false;
    const giveUp = !this.#options.reconnect && (wasReady || this.#candidates.length === 0);
    if (!this.#retry || giveUp) {
      this.#finish(how);
    } else if (!wasReady && this.#candidates.length > 0) {
      this.#openNext();
    } else {
      this.#scheduleReconnect();
    }
  }

  /** Exponential backoff with full jitter: between min and min * 2^(n-1), capped at max. */
  #scheduleReconnect() {
    const { minDelay, maxDelay } = this.#options;
    const attempt = ++this.#attempts;
    const ceiling = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt - 1, 20));
    const delay = Math.round(minDelay + Math.random() * (ceiling - minDelay));
    this.#emit('reconnecting', { attempt, delay });
    this.#timer = setTimeout(() => this.#startRound(), delay);
  }

  #finish(how) {
    if (this.#closed) return;
    this.#closed = true;
    this.#generation++;
    this.#state = 'closed';
    clearTimeout(this.#timer);
    const error = new SwitchboardError('closed', `connection closed (${how.code} ${how.reason})`);
    this.#failPending(error);
    if (!this.#everConnected) this.#connecting?.reject(error);
    this.#emit('close', how);
  }

  #onFrame(frame, transport) {
    switch (frame.type) {
      case 'connected': return this.#onConnected(frame, transport);
      case 'ack':
      case 'pong': return this.#settle(frame.id, (p) => p.resolve(frame));
      case 'error': return this.#onError(frame);
      case 'message': return this.#onRoomMessage(frame);
      case 'direct_message': return this.#onDirectMessage(frame);
      case 'disconnect':
        if (frame.reconnect === false) this.#retry = false;
        return this.#emit('disconnect', frame);
      case 'presence':
      case 'join':
      case 'leave': return this.#emit(frame.type, frame);
      default: return undefined; // unknown frames are ignored
    }
  }

  #settle(id, how) {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (pending) how(pending);
    return pending;
  }

  #onError(frame) {
    const error = new SwitchboardError(frame.code, frame.message);
    if (frame.id == null || !this.#settle(frame.id, (p) => p.reject(error))) this.#emit('error', error);
  }

  /** A connection is up: the first sets the baselines, later ones recover from them. */
  #onConnected(frame, transport) {
    const again = this.#everConnected;
    clearTimeout(this.#timer);
    this.#everConnected = true;
    this.#attempts = 0;
    this.#remembered = transport;
    this.#state = 'connected';
    this.#recover(frame, again); // before handlers run, so its commands go first
    this.#emit('transport', transport);
    this.#emit('connected', frame);
    this.#connecting.resolve(frame);
  }

  // --- recovery: each message delivered once, in offset order ---

  #recover(frame, again) {
    const direct = this.#direct;
    if (!again || direct.epoch == null) {
      if (frame.direct) Object.assign(direct, { last: frame.direct.offset, epoch: frame.direct.epoch });
    } else {
      this.#recoverDirect({ offset: direct.last, epoch: direct.epoch }, frame.direct);
    }
    if (!again) return;
    for (const [room, stream] of this.#rooms) {
      const since = stream.epoch == null ? null : { offset: stream.last, epoch: stream.epoch };
      this.#join(room, since, true).catch((error) => {
        if (error.code === 'closed') return; // the next connection rejoins
        this.#emit('error', new SwitchboardError(error.code, `rejoining ${room} failed: ${error.message}`));
      });
    }
  }

  /**
   * Joins (or rejoins) a room, holding its messages until the ack says where it stands.
   * @param {string} room
   * @param {Position | null} since
   * @param {boolean} rejoin keep tracking the room even when the join fails
   */
  async #join(room, since, rejoin) {
    let stream = this.#rooms.get(room);
    if (!stream) this.#rooms.set(room, stream = { last: -1, epoch: null, waiting: null });
    stream.waiting ??= [];
    let ack;
    try {
      ack = await this.#request(since ? { type: 'join_room', room, since } : { type: 'join_room', room });
    } catch (error) {
      this.#deliver('message', this.#release(stream, null, -1));
      if (!rejoin && stream.epoch == null && this.#rooms.get(room) === stream) this.#rooms.delete(room);
      throw error;
    }
    // Recovered: the replay continues from `since`; otherwise the room goes on live from the ack.
    const recovered = ack.recovered === true;
    this.#deliver('message', this.#release(stream, ack.epoch, recovered ? since.offset : ack.offset));
    if (since && !recovered) this.#emit('recovery_failed', room);
    return ack;
  }

  /**
   * Stops holding a stream's messages; returns those newer than where it stands.
   * @param {Stream} stream
   * @param {string | null} epoch the ack's epoch (null: the join failed, keep the position)
   * @param {number} baseline the offset the stream continues after
   */
  #release(stream, epoch, baseline) {
    const held = stream.waiting ?? [];
    stream.waiting = null;
    if (epoch != null) {
      stream.last = epoch === stream.epoch ? Math.max(stream.last, baseline) : baseline;
      stream.epoch = epoch;
    }
    return this.#newer(stream, held);
  }

  /** The messages with offsets above the stream's last, advancing it. */
  #newer(stream, messages) {
    const out = [];
    for (const message of messages) {
      if (typeof message.offset !== 'number' || message.offset > stream.last) {
        if (typeof message.offset === 'number') stream.last = message.offset;
        out.push(message);
      }
    }
    return out;
  }

  #deliver(type, messages) {
    messages.forEach((message) => this.#emit(type, message));
  }

  #onRoomMessage(message) {
    const stream = this.#rooms.get(message.room);
    if (!stream) this.#emit('message', message);
    else if (stream.waiting) stream.waiting.push(message);
    else this.#deliver('message', this.#newer(stream, [message]));
  }

  #onDirectMessage(message) {
    if (this.#direct.waiting) this.#direct.waiting.push(message);
    else this.#deliver('direct_message', this.#newer(this.#direct, [message]));
  }

  /**
   * Asks for the direct messages after `since`, holding live ones meanwhile. When they cannot
   * be recovered, goes on from where the new connection started (`now`).
   * @param {Position} since
   * @param {Position | undefined} now the new `connected` frame's `direct`
   */
  async #recoverDirect(since, now) {
    const direct = this.#direct;
    direct.waiting = [];
    let ack = null;
    try {
      ack = await this.#request({ type: 'direct_history', since });
    } catch (error) {
      if (error.code === 'closed') {
        direct.waiting = null; // the next connection asks again from the same place
        return;
      }
      this.#emit('error', error);
    }
    const recovered = ack?.recovered === true;
    const out = recovered ? this.#newer(direct, ack.publications) : [];
    if (!recovered && now) Object.assign(direct, { last: now.offset, epoch: now.epoch });
    out.push(...this.#release(direct, null, -1));
    if (!recovered) this.#emit('recovery_failed', null);
    this.#deliver('direct_message', out);
  }
}

/**
 * Creates a client and connects it.
 * @param {ConstructorParameters<typeof SwitchboardClient>[0]} options
 * @returns {Promise<SwitchboardClient>}
 */
export async function connect(options) {
  const client = new SwitchboardClient(options);
  await client.connect();
  return client;
}
