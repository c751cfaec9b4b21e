package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.StreamPosition;

/** The typed frames a client receives; each is a record of the frame's fields. */
public final class Events {
    private Events() {
    }

    /**
     * {@code connected}: the server accepted the connection; {@code direct} is where the user's
     * stream of direct messages stood (those after it arrive live), {@code null} from a server
     * that does not say.
     */
    public record Connected(String userId, String connectionId, String node, StreamPosition direct) {
    }

    /** {@code message}: a room message with its place ({@code offset}) in the room's order. */
    public record RoomMessage(String room, String from, JsonNode content, String timestamp, long offset) {
    }

    /** {@code direct_message}: a message to this user, with its place in the user's stream ({@code -1} if none). */
    public record DirectMessage(String from, String to, JsonNode content, String timestamp, long offset) {
    }

    /** {@code presence}: a user came online or went offline (in the room {@code presence}). */
    public record Presence(String userId, boolean online, String timestamp) {
    }

    /** {@code join} or {@code leave}: a user entered or left a room. */
    public record Membership(String room, String userId, boolean joined) {
    }

    /** {@code disconnect}: the server is about to close the connection. */
    public record Disconnect(int code, String reason, boolean reconnect) {
    }

    /**
     * The WebSocket close code and reason the connection ended with (1006 when none came). Over
     * gRPC: those of the server's {@code disconnect} frame, 1000 when it completed the call, or
     * else a code for the call's status (1006 for {@code UNAVAILABLE} and other losses).
     */
    public record Closed(int code, String reason) {
    }

    /** The answer to {@code join_room}: the room's top offset and epoch; {@code recovered} when asked. */
    public record Joined(String room, long offset, String epoch, Boolean recovered) {
    }

    /**
     * The answer to {@code history}: the messages read (oldest first, or newest first when asked
     * in reverse), where the room stands now ({@code position}), and, when read {@code since} a
     * position, whether they reach back to it ({@code recovered}; {@code null} otherwise).
     */
    public record History(String room, java.util.List<RoomMessage> publications, StreamPosition position,
                          Boolean recovered) {
        public History {
            publications = java.util.List.copyOf(publications);
        }
    }

    /** One entry of a {@code presence} answer. */
    public record Member(String userId, int connections) {
    }
}
