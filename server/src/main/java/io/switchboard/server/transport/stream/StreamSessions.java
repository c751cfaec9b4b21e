package io.switchboard.server.transport.stream;

import io.netty.channel.EventLoop;
import io.switchboard.server.ids.NodeIds;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSE and long-polling sessions of this node, by id. An id is the owning node's id, a dot,
 * and 22 random base-62 characters (131 bits): unguessable, and it says which node owns it.
 */
final class StreamSessions {
    private final String nodeId;
    private final StreamSettings settings;
    private final Map<String, BufferedConnection> sessions = new ConcurrentHashMap<>();

    StreamSessions(String nodeId, StreamSettings settings) {
        this.nodeId = nodeId;
        this.settings = settings;
    }

    /** A new session's connection, on {@code loop}; registered until it ends. */
    BufferedConnection create(BufferedConnection.Mode mode, EventLoop loop, String remote, Boolean resumed) {
        String token = nodeId + "." + NodeIds.token(22);
        BufferedConnection connection = new BufferedConnection(mode, loop, token, remote, settings, resumed,
                ended -> sessions.remove(ended.token(), ended));
        sessions.put(token, connection);
        return connection;
    }

    /** The session of this node with that id, or {@code null}. */
    BufferedConnection get(String token) {
        return token == null ? null : sessions.get(token);
    }

    /** The node that owns session {@code token}, read from the id. */
    static String owner(String token) {
        int dot = token.lastIndexOf('.');
        return dot > 0 ? token.substring(0, dot) : null;
    }

    String nodeId() {
        return nodeId;
    }

    int size() {
        return sessions.size();
    }
}
