package io.switchboard.server.history;

import java.util.concurrent.CompletionStage;

/**
 * Reads the publications a stream keeps (they are appended by the broker, in the same step that
 * gives them their offsets). Reads see every publication up to the position they answer.
 */
public interface HistoryStore {
    /** Up to {@code limit} (0: all) publications with offsets above {@code after}, oldest first. */
    default CompletionStage<HistoryPage> read(StreamKey stream, long after, int limit) {
        return read(stream, after, limit, false);
    }

    /**
     * Up to {@code limit} (0: all) publications with offsets above {@code after}: the oldest of
     * them oldest first, or with {@code newestFirst} the newest of them newest first.
     */
    CompletionStage<HistoryPage> read(StreamKey stream, long after, int limit, boolean newestFirst);
}
