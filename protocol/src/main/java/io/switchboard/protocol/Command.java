package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A command a client sends (PROTOCOL.md §1, client to server). {@link #id()} is the command's
 * {@code id} as sent (a string or an integer), or {@code null} when the client sent none.
 */
public sealed interface Command {
    JsonNode id();

    /** The wire name of the command, e.g. {@code join_room}. */
    String type();

    /** {@code join_room}: become a member of {@code room}, optionally recovering from {@code since}. */
    record JoinRoom(JsonNode id, String room, StreamPosition since) implements Command {
        public String type() {
            return "join_room";
        }
    }

    /** {@code leave_room}: stop being a member of {@code room}. */
    record LeaveRoom(JsonNode id, String room) implements Command {
        public String type() {
            return "leave_room";
        }
    }

    /**
     * {@code room_message}: publish {@code content} (a JSON text) to {@code room}; a retry with
     * the same {@code idempotencyKey} ({@code null}: none) is not published twice.
     */
    record RoomMessage(JsonNode id, String room, String content, String idempotencyKey) implements Command {
        public RoomMessage(JsonNode id, String room, String content) {
            this(id, room, content, null);
        }

        public String type() {
            return "room_message";
        }
    }

    /** {@code direct_message}: send {@code content} (a JSON text) to every connection of {@code to}. */
    record DirectMessage(JsonNode id, String to, String content, String idempotencyKey) implements Command {
        public DirectMessage(JsonNode id, String to, String content) {
            this(id, to, content, null);
        }

        public String type() {
            return "direct_message";
        }
    }

    /** {@code presence}: who is in {@code room}, cluster-wide. */
    record Presence(JsonNode id, String room) implements Command {
        public String type() {
            return "presence";
        }
    }

    /**
     * {@code history}: the room's kept publications after {@code since} (all kept ones when
     * {@code null}), at most {@code limit} (0: as many as kept): the oldest ones, oldest first, or
     * with {@code reverse} the newest ones, newest first.
     */
    record History(JsonNode id, String room, StreamPosition since, int limit, boolean reverse) implements Command {
        public History(JsonNode id, String room, StreamPosition since, int limit) {
            this(id, room, since, limit, false);
        }

        public String type() {
            return "history";
        }
    }

    /** {@code direct_history}: this user's kept direct messages, read as {@link History} reads a room's. */
    record DirectHistory(JsonNode id, StreamPosition since, int limit, boolean reverse) implements Command {
        public DirectHistory(JsonNode id, StreamPosition since, int limit) {
            this(id, since, limit, false);
        }

        public String type() {
            return "direct_history";
        }
    }

    /** {@code connect}: the token of a connection that did not bring one in its handshake. */
    record Connect(JsonNode id, String token) implements Command {
        public String type() {
            return "connect";
        }
    }

    /** {@code refresh}: a fresh token for the same user, before the current one expires. */
    record Refresh(JsonNode id, String token) implements Command {
        public String type() {
            return "refresh";
        }
    }

    /** {@code ping}: answered by {@code pong}. */
    record Ping(JsonNode id) implements Command {
        public String type() {
            return "ping";
        }
    }
}
