package io.switchboard.server.auth;

/** A handshake that does not establish who the client is; answered with 401. */
public final class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message, null, false, false);
    }
}
