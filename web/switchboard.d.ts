// Type declarations of switchboard.js, the Switchboard browser client (an ES module).
// Frames and codes: docs/protocol.md; transports: docs/transports.md.

/** How the client reaches the server, tried in the order given. */
export type Transport = 'websocket' | 'sse' | 'poll';

/** `idle` before `connect()`, `closed` for good after `close()` or a final disconnect. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Where a stream (a room, or a user's direct messages) stands. */
export interface Position {
  offset: number;
  epoch: string;
}

export interface ClientOptions {
  /** The server's http(s) base URL; default `location.origin`. */
  url?: string;
  /** The user id, sent in the path (`/ws/{user}`): servers in insecure mode, or checked against the token. */
  user?: string;
  /** Sent as `?token=`; a function is asked again for every connection attempt. */
  token?: string | (() => string | Promise<string>);
  /** Transports to try, in order; default `['websocket', 'sse', 'poll']`. */
  transports?: Transport[];
  /** Reconnect and recover when the connection is lost; default `true`. */
  reconnect?: boolean;
  /** Lower bound of the reconnect delay, in ms; default 100. */
  minDelay?: number;
  /** Upper bound of the reconnect delay, in ms; default 10000. */
  maxDelay?: number;
  /** How long one attempt may wait for the `connected` frame, in ms; default 10000. */
  connectTimeout?: number;
}

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ConnectedFrame {
  type: 'connected';
  user_id: string;
  connection_id: string;
  node: string;
  /** Where the user's stream of direct messages stood. */
  direct?: Position;
  /** SSE and long-polling only: the session id. */
  session?: string;
  /** SSE only: `false` when a resumed session was gone and a new one started. */
  resumed?: boolean;
}

export interface RoomMessage {
  type: 'message';
  room: string;
  from: string;
  content: Json;
  /** ISO-8601 UTC with milliseconds. */
  timestamp: string;
  offset: number;
}

export interface DirectMessage {
  type: 'direct_message';
  from: string;
  to: string;
  content: Json;
  timestamp: string;
  /** In the recipient's stream of direct messages. */
  offset: number;
}

export interface PresenceFrame {
  type: 'presence';
  user_id: string;
  status: 'online' | 'offline';
  timestamp: string;
}

export interface MembershipFrame {
  type: 'join' | 'leave';
  room: string;
  user_id: string;
}

export interface DisconnectFrame {
  type: 'disconnect';
  code: number;
  reason: string;
  reconnect: boolean;
}

/** How the client closed for good: a close code (1006: lost) and reason; `status` of a refused HTTP request. */
export interface CloseInfo {
  code: number;
  reason: string;
  status?: number;
}

export interface Ack {
  type: 'ack';
  id: number;
}

export interface JoinAck extends Ack {
  room: string;
  /** The room's newest offset. */
  offset: number;
  epoch: string;
  /** Present when the join asked to recover. */
  recovered?: boolean;
}

export interface LeaveAck extends Ack {
  room: string;
}

export interface PublishAck extends Ack {
  room: string;
  offset: number;
}

export interface DirectAck extends Ack {
  to: string;
  /** In the recipient's stream. */
  offset: number;
}

export interface Member {
  user_id: string;
  connections: number;
}

export interface PresenceAck extends Ack {
  room: string;
  /** Sorted by `user_id`. */
  members: Member[];
}

export interface HistoryAck extends Ack {
  room: string;
  /** Oldest first. */
  publications: RoomMessage[];
  offset: number;
  epoch: string;
  recovered?: boolean;
}

export interface RefreshAck extends Ack {
  /** The new token's expiry, in seconds since the epoch. */
  expires_at: number;
  /** Rooms the new token no longer grants: the server left them, and they are not rejoined. */
  left_rooms?: string[];
}

export interface Pong {
  type: 'pong';
  id: number;
}

export interface HistoryOptions {
  /** Only what came after this position (of the same epoch). */
  since?: Position;
  /** At most this many (0: all kept). */
  limit?: number;
  /** The newest ones, newest first (with `limit`: the last `limit` messages). */
  reverse?: boolean;
}

/** The events of `on` / `off` and what their handlers receive. */
export interface SwitchboardEvents {
  /** A room message, once, in offset order (replayed ones after a reconnect included). */
  message: (message: RoomMessage) => void;
  direct_message: (message: DirectMessage) => void;
  /** Someone came online or went offline (after joining the room `presence`). */
  presence: (frame: PresenceFrame) => void;
  join: (frame: MembershipFrame) => void;
  leave: (frame: MembershipFrame) => void;
  /** Every connection, the first and each reconnection. */
  connected: (frame: ConnectedFrame) => void;
  /** The transport of the connection just made. */
  transport: (transport: Transport) => void;
  /** The server is about to close the connection. */
  disconnect: (frame: DisconnectFrame) => void;
  /** The connection was lost; the next attempt comes after `delay` ms. */
  reconnecting: (info: { attempt: number; delay: number }) => void;
  /** Messages of this room (or, for `null`, direct messages) were missed and cannot be recovered. */
  recovery_failed: (room: string | null) => void;
  /** An error not answering a command of this client, or a failed rejoin. */
  error: (error: SwitchboardError) => void;
  /** The client closed for good. */
  close: (info: CloseInfo) => void;
}

/** An `error` frame's code (e.g. `forbidden`, `rate_limited`), or `closed` when the connection went first. */
export class SwitchboardError extends Error {
  constructor(code: string, message: string);
  readonly name: 'SwitchboardError';
  readonly code: string;
}

export class SwitchboardClient {
  constructor(options?: ClientOptions);

  /** The transport of the current connection, or `null` while not connected. */
  readonly transport: Transport | null;
  readonly state: ConnectionState;

  /** Starts connecting; resolves with the first `connected` frame (the same Promise on later calls). */
  connect(): Promise<ConnectedFrame>;
  /** Closes for good; pending commands reject with `closed`. */
  close(): void;

  on<K extends keyof SwitchboardEvents>(type: K, handler: SwitchboardEvents[K]): this;
  off<K extends keyof SwitchboardEvents>(type: K, handler: SwitchboardEvents[K]): this;

  /** Joins a room; the client rejoins it on every reconnect, recovering what it missed. */
  join(room: string): Promise<JoinAck>;
  leave(room: string): Promise<LeaveAck>;
  /** With `idempotencyKey` (1 to 64 printable ASCII characters), a retry within 5 minutes is not published twice. */
  publish(room: string, content: Json, options?: { idempotencyKey?: string }): Promise<PublishAck>;
  sendDirect(user: string, content: Json, options?: { idempotencyKey?: string }): Promise<DirectAck>;
  /** Who is in a room; for the room `presence`, who is online. */
  presence(room: string): Promise<PresenceAck>;
  ping(): Promise<Pong>;
  /** A fresh token for the same user; the connection's later requests, and later connections, carry it. */
  refresh(token: string): Promise<RefreshAck>;
  history(room: string, options?: HistoryOptions): Promise<HistoryAck>;
}

/** Creates a client and connects it. */
export function connect(options?: ClientOptions): Promise<SwitchboardClient>;
