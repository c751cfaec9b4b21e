package io.switchboard.client;

/**
 * The server refused the connection before it opened. Over WebSocket: it answered the handshake
 * with an HTTP status other than 101. Over gRPC: the {@code Connect} call failed before any frame
 * with {@code UNAUTHENTICATED}, {@code PERMISSION_DENIED} or {@code RESOURCE_EXHAUSTED}, reported
 * as the HTTP status a WebSocket handshake would have got (401, 403, 429); the body is the gRPC
 * status and its description, and the cause the call's failure.
 */
public final class HandshakeRejectedException extends SwitchboardException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;

    public HandshakeRejectedException(int status, String body) {
        super("handshake_rejected", "HTTP " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    /** A refused gRPC call: {@code status} is the HTTP equivalent, {@code body} the gRPC status. */
    HandshakeRejectedException(int status, String body, Throwable cause) {
        super("handshake_rejected", "gRPC " + body + " (as HTTP " + status + ")", cause);
        this.status = status;
        this.body = body;
    }

    /** The HTTP status of the refusal (over gRPC, its equivalent). */
    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
