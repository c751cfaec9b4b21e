package io.switchboard.server.history;

import java.time.Duration;

/**
 * How much of a stream is kept for recovery: the newest {@code size} publications, for
 * {@code ttl} after the stream's last publication. A size of 0 keeps nothing.
 */
public record HistoryOptions(int size, Duration ttl) {
    /** The defaults: 300 publications, for 2 minutes. */
    public static final HistoryOptions DEFAULT = new HistoryOptions(300, Duration.ofMinutes(2));
    public static final HistoryOptions OFF = new HistoryOptions(0, Duration.ZERO);

    public boolean enabled() {
        return size > 0 && !ttl.isZero() && !ttl.isNegative();
    }
}
