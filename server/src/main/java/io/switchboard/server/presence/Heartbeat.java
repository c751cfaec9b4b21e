package io.switchboard.server.presence;

import java.util.List;

/**
 * What a heartbeat learned: whether the store still had this node's registration (if not, the
 * node must register its connections again) and which other nodes have stopped beating.
 */
public record Heartbeat(boolean stillRegistered, List<String> deadNodes) {
    /** A store of one node: always registered, nobody else to die. */
    public static final Heartbeat ALONE = new Heartbeat(true, List.of());
}
