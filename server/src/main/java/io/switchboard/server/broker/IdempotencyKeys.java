package io.switchboard.server.broker;

import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.history.StreamKey;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The idempotency keys of a single node's publications: each remembered with the position it
 * was published at, for a fixed window. Keys are kept in the order they were first used, and
 * all live for the same window, so the expired ones are always at the front.
 */
final class IdempotencyKeys {
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<Key, Remembered> keys = new LinkedHashMap<>();

    IdempotencyKeys(Duration window, LongSupplier clock) {
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    /**
     * The position of the publication made under {@code key} in {@code stream} within the
     * window; if there is none, publishes ({@code publish}) and remembers its position. Calls for
     * one key wait for each other, so that only one of them publishes.
     */
    synchronized StreamPosition once(StreamKey stream, String key, Supplier<StreamPosition> publish) {
        long now = clock.getAsLong();
        forgetExpired(now);
        Key id = new Key(stream, key);
        Remembered earlier = keys.get(id);
        if (earlier != null) {
            return earlier.position;
        }
        StreamPosition position = publish.get();
        keys.put(id, new Remembered(position, now + windowNanos));
        return position;
    }

    /** Keys remembered now. */
    synchronized int size() {
        forgetExpired(clock.getAsLong());
        return keys.size();
    }

    private void forgetExpired(long now) {
        Iterator<Remembered> oldest = keys.values().iterator();
        while (oldest.hasNext()) {
            if (oldest.next().expiresAt - now > 0) {
                return;
            }
            oldest.remove();
        }
    }

    private record Key(StreamKey stream, String key) {
    }

    private record Remembered(StreamPosition position, long expiresAt) {
    }
}
