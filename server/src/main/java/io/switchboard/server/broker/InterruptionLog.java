package io.switchboard.server.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs interrupted streams at most once a second, with how many there were meanwhile: when
 * Redis loses its data every stream of the node is interrupted at once, and one line each would
 * flood the log.
 */
final class InterruptionLog {
    private static final Logger log = LoggerFactory.getLogger(InterruptionLog.class);
    private static final long EVERY_NANOS = 1_000_000_000L;

    private long lastLogged = System.nanoTime() - EVERY_NANOS;
    private long unlogged;

    /** One stream interrupted, seen on {@code channel} at {@code offset}. */
    void note(String channel, long offset) {
        log(channel, offset, "which does not follow the offset before it");
    }

    /** One stream interrupted by a position check: Redis holds {@code offset}, which never arrived. */
    void noteLost(String channel, long offset) {
        log(channel, offset, "newer than the last publication received");
    }

    private synchronized void log(String channel, long offset, String why) {
        unlogged++;
        long now = System.nanoTime();
        if (now - lastLogged >= EVERY_NANOS) {
            log.warn("{} stream(s) interrupted (latest: {} at offset {}, {}):"
                    + " Redis lost publications or its data; their subscribers here are told to reconnect and recover",
                    unlogged, channel, offset, why);
            unlogged = 0;
            lastLogged = now;
        }
    }
}
