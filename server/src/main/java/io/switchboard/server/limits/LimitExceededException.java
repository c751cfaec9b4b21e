package io.switchboard.server.limits;

/** A connection refused by a limit: answered 429 at a handshake, or closed with 4029 later. */
public final class LimitExceededException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    public LimitExceededException(String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** When trying again may succeed, for {@code Retry-After}. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
