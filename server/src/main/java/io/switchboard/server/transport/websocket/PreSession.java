package io.switchboard.server.transport.websocket;

/** What a WebSocket without a session does with its first frames: waits for the {@code connect}. */
interface PreSession {
    /** A text frame from a client that has not authenticated yet. */
    void receive(WebSocketConnection connection, byte[] utf8);

    /** The connection went before a session opened. */
    void ended();
}
