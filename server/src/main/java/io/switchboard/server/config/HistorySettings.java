package io.switchboard.server.config;

import io.switchboard.protocol.Names;
import io.switchboard.server.history.HistoryOptions;
import java.time.Duration;
import java.util.Map;

/**
 * What each stream keeps for recovery.
 *
 * @param rooms the history of rooms of no configured namespace
 * @param direct the history of each user's direct messages
 * @param namespaces the history of the rooms of a namespace, by namespace
 * @param metaTtl how long a stream's offset and epoch outlive its last message
 */
public record HistorySettings(HistoryOptions rooms, HistoryOptions direct, Map<String, HistoryOptions> namespaces,
                              Duration metaTtl) {
    public HistorySettings {
        namespaces = Map.copyOf(namespaces);
    }

    /** The history of {@code room}: its namespace's, else the default. */
    public HistoryOptions forRoom(String room) {
        HistoryOptions options = namespaces.get(Names.namespace(room));
        return options != null ? options : rooms;
    }
}
