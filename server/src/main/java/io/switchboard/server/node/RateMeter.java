package io.switchboard.server.node;

import java.util.concurrent.atomic.AtomicLongArray;

/** Counts events per second over the last ten whole seconds; cheap enough for every publication. */
final class RateMeter {
    private static final int SECONDS = 10;

    private final AtomicLongArray counts = new AtomicLongArray(SECONDS);
    private final AtomicLongArray stamps = new AtomicLongArray(SECONDS);

    void increment() {
        long second = System.currentTimeMillis() / 1000;
        int slot = (int) (second % SECONDS);
        long stamp = stamps.get(slot);
        if (stamp != second && stamps.compareAndSet(slot, stamp, second)) {
            counts.set(slot, 0);
        }
        counts.incrementAndGet(slot);
    }

    /** The average rate over the last ten whole seconds. */
    double perSecond() {
        long now = System.currentTimeMillis() / 1000;
        long total = 0;
        for (int i = 0; i < SECONDS; i++) {
            long stamp = stamps.get(i);
            if (stamp < now && stamp >= now - SECONDS) {
                total += counts.get(i);
            }
        }
        return total / (double) SECONDS;
    }
}
