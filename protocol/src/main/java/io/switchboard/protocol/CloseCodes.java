package io.switchboard.protocol;

/** WebSocket close codes used by Switchboard (PROTOCOL.md §1). */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;
    public static final int SERVICE_RESTART = 1012;
    public static final int TRY_AGAIN_LATER = 1013;
    public static final int UNAUTHORIZED = 4001;
    public static final int FORBIDDEN = 4003;
    public static final int SLOW_CONSUMER = 4008;
    /** A stream the connection follows was interrupted (Redis lost data): reconnect and recover. */
    public static final int STREAM_INTERRUPTED = 4010;
    public static final int RATE_LIMITED = 4029;

    private CloseCodes() {
    }
}
