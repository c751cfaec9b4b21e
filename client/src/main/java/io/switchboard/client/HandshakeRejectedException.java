package io.switchboard.client;

/** The server answered the WebSocket handshake with an HTTP status other than 101. */
public final class HandshakeRejectedException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;

    public HandshakeRejectedException(int status, String body) {
        super("handshake_rejected", "HTTP " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
