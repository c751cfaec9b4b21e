package io.switchboard.server.presence;

import java.util.Set;

/**
 * A connection this node holds, with the rooms whose membership the presence store records for
 * it; the node's own entries hold a concurrent set that changes as the connection joins and leaves.
 */
public record LocalConnection(String user, String connectionId, Set<String> rooms) {
}
