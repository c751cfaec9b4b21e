package io.switchboard.server.history;

import io.switchboard.protocol.StreamPosition;
import java.util.List;

/**
 * Publications read from a stream, oldest first, and where the stream stood when they were read.
 */
public record HistoryPage(List<Publication> publications, StreamPosition position) {
    /**
     * Whether a client that last saw {@code since} can continue without a gap from these
     * publications: same epoch, and either nothing is missing or the page starts right after it.
     */
    public boolean continues(StreamPosition since) {
        if (!position.epoch().equals(since.epoch()) || since.offset() > position.offset()) {
            return false;
        }
        if (since.offset() == position.offset()) {
            return true;
        }
        return !publications.isEmpty() && publications.get(0).offset() == since.offset() + 1;
    }
}
