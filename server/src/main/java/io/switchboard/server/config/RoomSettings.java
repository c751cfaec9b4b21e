package io.switchboard.server.config;

import io.switchboard.protocol.Names;
import java.util.Map;

/**
 * The rules of rooms.
 *
 * @param defaults the rules of rooms of no configured namespace
 * @param namespaces the rules of the rooms of a namespace, by namespace
 */
public record RoomSettings(RoomPolicy defaults, Map<String, RoomPolicy> namespaces) {
    public RoomSettings {
        namespaces = Map.copyOf(namespaces);
    }

    /** The rules of {@code room}: its namespace's, else the defaults. */
    public RoomPolicy policy(String room) {
        RoomPolicy policy = namespaces.get(Names.namespace(room));
        return policy != null ? policy : defaults;
    }
}
