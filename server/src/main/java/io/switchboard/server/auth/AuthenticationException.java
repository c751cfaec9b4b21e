package io.switchboard.server.auth;

/**
 * A client that does not prove who it is (401), or proves to be someone it may not connect as
 * (403).
 */
public final class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean forbidden;

    public AuthenticationException(String message) {
        this(message, false);
    }

    public AuthenticationException(String message, boolean forbidden) {
        super(message, null, false, false);
        this.forbidden = forbidden;
    }

    /** {@code true}: authenticated, but not as the user asked for (403); else not authenticated (401). */
    public boolean forbidden() {
        return forbidden;
    }
}
