package io.switchboard.protocol;

/** The error codes an {@code error} frame may carry (PROTOCOL.md §1). */
public enum ErrorCode {
    BAD_REQUEST("bad_request"),
    UNKNOWN_TYPE("unknown_type"),
    UNAUTHORIZED("unauthorized"),
    FORBIDDEN("forbidden"),
    NOT_FOUND("not_found"),
    TOO_LARGE("too_large"),
    RATE_LIMITED("rate_limited"),
    LIMIT_EXCEEDED("limit_exceeded"),
    UNAVAILABLE("unavailable"),
    INTERNAL("internal");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The code as it appears on the wire, e.g. {@code bad_request}. */
    public String wireName() {
        return wireName;
    }

    /** Looks a code up by its wire name; {@code null} when there is none of that name. */
    public static ErrorCode fromWireName(String name) {
        for (ErrorCode code : values()) {
            if (code.wireName.equals(name)) {
                return code;
            }
        }
        return null;
    }
}
