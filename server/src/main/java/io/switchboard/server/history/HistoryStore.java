package io.switchboard.server.history;

import java.util.concurrent.CompletionStage;

/**
 * Reads the publications a stream keeps (they are appended by the broker, in the same step that
 * gives them their offsets). Reads see every publication up to the position they answer.
 */
public interface HistoryStore {
    /** Up to {@code limit} publications with offsets above {@code after}, oldest first. */
    CompletionStage<HistoryPage> read(StreamKey stream, long after, int limit);
}
