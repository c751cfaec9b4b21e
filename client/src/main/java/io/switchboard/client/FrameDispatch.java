package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.StreamPosition;

/** Routes one parsed server frame to the client (replies, messages) or its listener (other pushes). */
final class FrameDispatch {
    private FrameDispatch() {
    }

    static void dispatch(JsonNode frame, SwitchboardClient client, SwitchboardListener listener) {
        switch (frame.path("type").asText()) {
            case "connected":
                JsonNode direct = frame.get("direct");
                client.onConnected(new Events.Connected(text(frame, "user_id"), text(frame, "connection_id"),
                        text(frame, "node"), direct == null || !direct.isObject() ? null
                                : new StreamPosition(direct.path("offset").asLong(), direct.path("epoch").asText())));
                break;
            case "ack":
            case "pong":
                client.onReply(frame);
                break;
            case "error":
                client.onErrorFrame(frame);
                break;
            case "message":
                client.onRoomMessage(roomMessage(frame));
                break;
            case "direct_message":
                client.onDirectMessage(new Events.DirectMessage(text(frame, "from"), text(frame, "to"),
                        frame.get("content"), text(frame, "timestamp"), frame.path("offset").asLong(-1)));
                break;
            case "presence":
                listener.onPresence(new Events.Presence(text(frame, "user_id"),
                        "online".equals(text(frame, "status")), text(frame, "timestamp")));
                break;
            case "join":
            case "leave":
                listener.onMembership(new Events.Membership(text(frame, "room"), text(frame, "user_id"),
                        "join".equals(text(frame, "type"))));
                break;
            case "disconnect":
                client.onDisconnectFrame(new Events.Disconnect(frame.path("code").asInt(), text(frame, "reason"),
                        frame.path("reconnect").asBoolean()));
                break;
            default:
                // Newer servers may push frame types this client does not know; onFrame saw it.
                break;
        }
    }

    /** A {@code message} frame, live or read from history. */
    static Events.RoomMessage roomMessage(JsonNode frame) {
        return new Events.RoomMessage(text(frame, "room"), text(frame, "from"), frame.get("content"),
                text(frame, "timestamp"), frame.path("offset").asLong());
    }

    private static String text(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
