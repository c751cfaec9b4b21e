package io.switchboard.server.session;

/**
 * Where the answers to a client's commands go: on WebSocket, the connection itself; for a
 * command posted over HTTP, the response to that POST.
 */
public interface Replies {
    /** An {@code ack}, {@code pong} or {@code error} for the command. */
    void reply(byte[] frame);

    /** The command is done (answered, or needing no answer, or dropped as the session ended). */
    void done();
}
