package io.switchboard.server.history;

import io.switchboard.protocol.StreamPosition;
import java.util.List;

/**
 * Publications read from a stream (oldest first, or newest first when asked so), and where the
 * stream stood when they were read.
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
        if (publications.isEmpty()) {
            return false;
        }
        long oldest = Math.min(publications.get(0).offset(), publications.get(publications.size() - 1).offset());
        return oldest == since.offset() + 1;
    }
}
