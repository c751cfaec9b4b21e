package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

/** Routes one parsed server frame to the client (replies) or its listener (pushes). */
final class FrameDispatch {
    private FrameDispatch() {
    }

    static void dispatch(JsonNode frame, SwitchboardClient client, SwitchboardListener listener) {
        switch (frame.path("type").asText()) {
            case "connected":
                client.onConnected(new Events.Connected(text(frame, "user_id"), text(frame, "connection_id"),
                        text(frame, "node")));
                break;
            case "ack":
            case "pong":
                client.onReply(frame);
                break;
            case "error":
                client.onErrorFrame(frame);
                break;
            case "message":
                listener.onMessage(new Events.RoomMessage(text(frame, "room"), text(frame, "from"),
                        frame.get("content"), text(frame, "timestamp"), frame.path("offset").asLong()));
                break;
            case "direct_message":
                listener.onDirectMessage(new Events.DirectMessage(text(frame, "from"), text(frame, "to"),
                        frame.get("content"), text(frame, "timestamp")));
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
                listener.onDisconnect(new Events.Disconnect(frame.path("code").asInt(), text(frame, "reason"),
                        frame.path("reconnect").asBoolean()));
                break;
            default:
                // Newer servers may push frame types this client does not know; onFrame saw it.
                break;
        }
    }

    private static String text(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
