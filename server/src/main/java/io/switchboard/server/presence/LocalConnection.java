package io.switchboard.server.presence;

import java.util.Set;

/** A connection this node holds, with its rooms, as re-registered after the store lost track. */
public record LocalConnection(String user, String connectionId, Set<String> rooms) {
}
