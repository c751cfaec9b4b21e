package io.switchboard.protocol.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.grpc.v1.Ack;
import io.switchboard.protocol.grpc.v1.ClientCommand;
import io.switchboard.protocol.grpc.v1.Connected;
import io.switchboard.protocol.grpc.v1.DirectHistoryQuery;
import io.switchboard.protocol.grpc.v1.DirectMessage;
import io.switchboard.protocol.grpc.v1.Disconnect;
import io.switchboard.protocol.grpc.v1.Error;
import io.switchboard.protocol.grpc.v1.HistoryQuery;
import io.switchboard.protocol.grpc.v1.JoinRoom;
import io.switchboard.protocol.grpc.v1.LeaveRoom;
import io.switchboard.protocol.grpc.v1.Member;
import io.switchboard.protocol.grpc.v1.Membership;
import io.switchboard.protocol.grpc.v1.Message;
import io.switchboard.protocol.grpc.v1.Ping;
import io.switchboard.protocol.grpc.v1.Pong;
import io.switchboard.protocol.grpc.v1.PresenceEvent;
import io.switchboard.protocol.grpc.v1.PresenceQuery;
import io.switchboard.protocol.grpc.v1.Refresh;
import io.switchboard.protocol.grpc.v1.RoomMessage;
import io.switchboard.protocol.grpc.v1.SendDirect;
import io.switchboard.protocol.grpc.v1.ServerFrame;
import io.switchboard.protocol.grpc.v1.StreamPosition;
import java.util.regex.Pattern;

/**
 * The JSON frames of the protocol as gRPC messages and back, field for field, so that a gRPC
 * session is served by the same code as a WebSocket one. A command {@code id} that is a plain
 * integer travels as a JSON number, any other as a string; {@code ""} means none.
 */
public final class ProtoFrames {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern INTEGER_ID = Pattern.compile("-?(0|[1-9][0-9]{0,15})");

    private ProtoFrames() {
    }

    // --- commands: gRPC -> JSON (server side) and JSON -> gRPC (client side) ---

    /** The JSON command a {@link ClientCommand} stands for; an empty command has no {@code type}. */
    public static ObjectNode toJson(ClientCommand command) {
        ObjectNode json = JSON.objectNode();
        switch (command.getCommandCase()) {
            case JOIN_ROOM:
                json.put("type", "join_room").put("room", command.getJoinRoom().getRoom());
                if (command.getJoinRoom().hasSince()) {
                    json.set("since", position(command.getJoinRoom().getSince()));
                }
                break;
            case LEAVE_ROOM:
                json.put("type", "leave_room").put("room", command.getLeaveRoom().getRoom());
                break;
            case ROOM_MESSAGE:
                json.put("type", "room_message").put("room", command.getRoomMessage().getRoom())
                        .set("content", JsonValues.toJson(command.getRoomMessage().getContent()));
                idempotencyKey(json, command.getRoomMessage().getIdempotencyKey());
                break;
            case DIRECT_MESSAGE:
                json.put("type", "direct_message").put("to", command.getDirectMessage().getTo())
                        .set("content", JsonValues.toJson(command.getDirectMessage().getContent()));
                idempotencyKey(json, command.getDirectMessage().getIdempotencyKey());
                break;
            case PRESENCE:
                json.put("type", "presence").put("room", command.getPresence().getRoom());
                break;
            case HISTORY:
                HistoryQuery history = command.getHistory();
                json.put("type", "history").put("room", history.getRoom());
                if (history.hasSince()) {
                    json.set("since", position(history.getSince()));
                }
                if (history.getLimit() > 0) {
                    json.put("limit", history.getLimit());
                }
                if (history.getReverse()) {
                    json.put("reverse", true);
                }
                break;
            case DIRECT_HISTORY:
                DirectHistoryQuery direct = command.getDirectHistory();
                json.put("type", "direct_history");
                if (direct.hasSince()) {
                    json.set("since", position(direct.getSince()));
                }
                if (direct.getLimit() > 0) {
                    json.put("limit", direct.getLimit());
                }
                if (direct.getReverse()) {
                    json.put("reverse", true);
                }
                break;
            case PING:
                json.put("type", "ping");
                break;
            case REFRESH:
                json.put("type", "refresh").put("token", command.getRefresh().getToken());
                break;
            default:
                break;
        }
        putId(json, command.getId());
        return json;
    }

    /** The {@link ClientCommand} of a JSON command; fails on a type gRPC does not carry. */
    public static ClientCommand toProto(JsonNode command) {
        ClientCommand.Builder proto = ClientCommand.newBuilder().setId(idText(command.get("id")));
        String type = command.path("type").asText();
        switch (type) {
            case "join_room": {
                JoinRoom.Builder join = JoinRoom.newBuilder().setRoom(command.path("room").asText());
                if (command.has("since")) {
                    join.setSince(position(command.get("since")));
                }
                return proto.setJoinRoom(join).build();
            }
            case "leave_room":
                return proto.setLeaveRoom(LeaveRoom.newBuilder().setRoom(command.path("room").asText())).build();
            case "room_message":
                return proto.setRoomMessage(RoomMessage.newBuilder().setRoom(command.path("room").asText())
                        .setContent(JsonValues.toValue(command.get("content")))
                        .setIdempotencyKey(command.path("idempotency_key").asText(""))).build();
            case "direct_message":
                return proto.setDirectMessage(SendDirect.newBuilder().setTo(command.path("to").asText())
                        .setContent(JsonValues.toValue(command.get("content")))
                        .setIdempotencyKey(command.path("idempotency_key").asText(""))).build();
            case "presence":
                return proto.setPresence(PresenceQuery.newBuilder().setRoom(command.path("room").asText())).build();
            case "history": {
                HistoryQuery.Builder history = HistoryQuery.newBuilder().setRoom(command.path("room").asText())
                        .setLimit(command.path("limit").asInt(0)).setReverse(command.path("reverse").asBoolean(false));
                if (command.has("since")) {
                    history.setSince(position(command.get("since")));
                }
                return proto.setHistory(history).build();
            }
            case "direct_history": {
                DirectHistoryQuery.Builder direct = DirectHistoryQuery.newBuilder().setLimit(command.path("limit").asInt(0))
                        .setReverse(command.path("reverse").asBoolean(false));
                if (command.has("since")) {
                    direct.setSince(position(command.get("since")));
                }
                return proto.setDirectHistory(direct).build();
            }
            case "ping":
                return proto.setPing(Ping.getDefaultInstance()).build();
            case "refresh":
                return proto.setRefresh(Refresh.newBuilder().setToken(command.path("token").asText())).build();
            default:
                throw new IllegalArgumentException("no gRPC command of type '" + type + "'");
        }
    }

    // --- frames: JSON -> gRPC (server side) and gRPC -> JSON (client side) ---

    /** The {@link ServerFrame} of a JSON frame the server sends. */
    public static ServerFrame toProto(ObjectNode frame) {
        ServerFrame.Builder proto = ServerFrame.newBuilder();
        switch (frame.path("type").asText()) {
            case "connected":
                return proto.setConnected(Connected.newBuilder().setUserId(frame.path("user_id").asText())
                        .setConnectionId(frame.path("connection_id").asText()).setNode(frame.path("node").asText())
                        .setDirect(position(frame.path("direct")))).build();
            case "message":
                return proto.setMessage(message(frame)).build();
            case "direct_message":
                return proto.setDirectMessage(directMessage(frame)).build();
            case "presence":
                return proto.setPresence(PresenceEvent.newBuilder().setUserId(frame.path("user_id").asText())
                        .setStatus(frame.path("status").asText()).setTimestamp(frame.path("timestamp").asText())).build();
            case "join":
                return proto.setJoin(membership(frame)).build();
            case "leave":
                return proto.setLeave(membership(frame)).build();
            case "ack":
                return proto.setAck(ack(frame)).build();
            case "error":
                return proto.setError(Error.newBuilder().setId(idText(frame.get("id")))
                        .setCode(frame.path("code").asText()).setMessage(frame.path("message").asText())).build();
            case "pong":
                return proto.setPong(Pong.newBuilder().setId(idText(frame.get("id")))).build();
            case "disconnect":
                return proto.setDisconnect(Disconnect.newBuilder().setCode(frame.path("code").asInt())
                        .setReason(frame.path("reason").asText()).setReconnect(frame.path("reconnect").asBoolean()))
                        .build();
            default:
                throw new IllegalArgumentException("no gRPC frame of type '" + frame.path("type").asText() + "'");
        }
    }

    /** The JSON frame a {@link ServerFrame} stands for. */
    public static ObjectNode toJson(ServerFrame frame) {
        ObjectNode json = JSON.objectNode();
        switch (frame.getFrameCase()) {
            case CONNECTED: {
                Connected c = frame.getConnected();
                json.put("type", "connected").put("user_id", c.getUserId()).put("connection_id", c.getConnectionId())
                        .put("node", c.getNode()).set("direct", position(c.getDirect()));
                return json;
            }
            case MESSAGE:
                return message(frame.getMessage());
            case DIRECT_MESSAGE:
                return directMessage(frame.getDirectMessage());
            case PRESENCE: {
                PresenceEvent p = frame.getPresence();
                return json.put("type", "presence").put("user_id", p.getUserId()).put("status", p.getStatus())
                        .put("timestamp", p.getTimestamp());
            }
            case JOIN:
                return json.put("type", "join").put("room", frame.getJoin().getRoom())
                        .put("user_id", frame.getJoin().getUserId());
            case LEAVE:
                return json.put("type", "leave").put("room", frame.getLeave().getRoom())
                        .put("user_id", frame.getLeave().getUserId());
            case ACK:
                return ack(frame.getAck());
            case ERROR:
                json.put("type", "error");
                putId(json, frame.getError().getId());
                return json.put("code", frame.getError().getCode()).put("message", frame.getError().getMessage());
            case PONG:
                json.put("type", "pong");
                putId(json, frame.getPong().getId());
                return json;
            case DISCONNECT:
                return json.put("type", "disconnect").put("code", frame.getDisconnect().getCode())
                        .put("reason", frame.getDisconnect().getReason())
                        .put("reconnect", frame.getDisconnect().getReconnect());
            default:
                throw new IllegalArgumentException("an empty frame");
        }
    }

    // --- parts ---

    public static Message message(JsonNode m) {
        Message.Builder message = Message.newBuilder().setRoom(m.path("room").asText())
                .setContent(JsonValues.toValue(m.get("content"))).setTimestamp(m.path("timestamp").asText())
                .setOffset(m.path("offset").asLong());
        if (m.hasNonNull("from")) {
            message.setFrom(m.get("from").asText());
        }
        return message.build();
    }

    public static ObjectNode message(Message m) {
        ObjectNode json = JSON.objectNode().put("type", "message").put("room", m.getRoom());
        if (m.getFrom().isEmpty()) {
            json.putNull("from");
        } else {
            json.put("from", m.getFrom());
        }
        json.set("content", JsonValues.toJson(m.getContent()));
        return json.put("timestamp", m.getTimestamp()).put("offset", m.getOffset());
    }

    private static DirectMessage directMessage(JsonNode m) {
        DirectMessage.Builder message = DirectMessage.newBuilder().setTo(m.path("to").asText())
                .setContent(JsonValues.toValue(m.get("content"))).setTimestamp(m.path("timestamp").asText())
                .setOffset(m.path("offset").asLong());
        if (m.hasNonNull("from")) {
            message.setFrom(m.get("from").asText());
        }
        return message.build();
    }

    private static ObjectNode directMessage(DirectMessage m) {
        ObjectNode json = JSON.objectNode().put("type", "direct_message");
        if (m.getFrom().isEmpty()) {
            json.putNull("from");
        } else {
            json.put("from", m.getFrom());
        }
        json.put("to", m.getTo()).set("content", JsonValues.toJson(m.getContent()));
        return json.put("timestamp", m.getTimestamp()).put("offset", m.getOffset());
    }

    private static Membership membership(JsonNode frame) {
        return Membership.newBuilder().setRoom(frame.path("room").asText()).setUserId(frame.path("user_id").asText())
                .build();
    }

    private static Ack ack(JsonNode frame) {
        Ack.Builder ack = Ack.newBuilder().setId(idText(frame.get("id")));
        if (frame.has("room")) {
            ack.setRoom(frame.get("room").asText());
        }
        if (frame.has("to")) {
            ack.setTo(frame.get("to").asText());
        }
        if (frame.has("offset")) {
            ack.setOffset(frame.get("offset").asLong());
        }
        if (frame.has("epoch")) {
            ack.setEpoch(frame.get("epoch").asText());
        }
        if (frame.has("recovered")) {
            ack.setRecovered(frame.get("recovered").asBoolean());
        }
        if (frame.has("expires_at")) {
            ack.setExpiresAt(frame.get("expires_at").asLong());
        }
        frame.path("left_rooms").forEach(room -> ack.addLeftRooms(room.asText()));
        for (JsonNode member : frame.path("members")) {
            ack.addMembers(Member.newBuilder().setUserId(member.path("user_id").asText())
                    .setConnections(member.path("connections").asInt()));
        }
        for (JsonNode publication : frame.path("publications")) {
            if (publication.path("type").asText().equals("direct_message")) {
                ack.addDirectPublications(directMessage(publication));
            } else {
                ack.addPublications(message(publication));
            }
        }
        return ack.build();
    }

    private static ObjectNode ack(Ack ack) {
        ObjectNode json = JSON.objectNode().put("type", "ack");
        putId(json, ack.getId());
        if (!ack.getRoom().isEmpty()) {
            json.put("room", ack.getRoom());
        }
        if (!ack.getTo().isEmpty()) {
            json.put("to", ack.getTo());
        }
        if (ack.hasOffset()) {
            json.put("offset", ack.getOffset());
        }
        if (!ack.getEpoch().isEmpty()) {
            json.put("epoch", ack.getEpoch());
        }
        if (ack.hasRecovered()) {
            json.put("recovered", ack.getRecovered());
        }
        if (ack.hasExpiresAt()) {
            // A refresh's ack: its left rooms, none included.
            json.put("expires_at", ack.getExpiresAt());
            ArrayNode left = json.putArray("left_rooms");
            ack.getLeftRoomsList().forEach(left::add);
        }
        if (ack.getMembersCount() > 0) {
            ArrayNode members = json.putArray("members");
            for (Member m : ack.getMembersList()) {
                members.addObject().put("user_id", m.getUserId()).put("connections", m.getConnections());
            }
        }
        if (ack.getPublicationsCount() > 0 || ack.getDirectPublicationsCount() > 0) {
            ArrayNode publications = json.putArray("publications");
            ack.getPublicationsList().forEach(m -> publications.add(message(m)));
            ack.getDirectPublicationsList().forEach(m -> publications.add(directMessage(m)));
        }
        return json;
    }

    public static StreamPosition position(JsonNode json) {
        return StreamPosition.newBuilder().setOffset(json.path("offset").asLong()).setEpoch(json.path("epoch").asText())
                .build();
    }

    public static ObjectNode position(StreamPosition position) {
        return JSON.objectNode().put("offset", position.getOffset()).put("epoch", position.getEpoch());
    }

    private static String idText(JsonNode id) {
        return id == null || id.isNull() ? "" : id.asText();
    }

    private static void putId(ObjectNode json, String id) {
        JsonNode node = idNode(id);
        if (node != null) {
            json.set("id", node);
        }
    }

    /**
     * The JSON id a proto {@code id} stands for: none when empty, an integer when it reads as one
     * (an int where one holds it, as JSON parsing makes it), else the text.
     */
    static JsonNode idNode(String id) {
        if (id.isEmpty()) {
            return null;
        }
        if (!INTEGER_ID.matcher(id).matches()) {
            return JSON.textNode(id);
        }
        long value = Long.parseLong(id);
        return value == (int) value ? JSON.numberNode((int) value) : JSON.numberNode(value);
    }

    /** Sets {@code idempotency_key} when the proto field is not empty (proto3's "not given"). */
    private static void idempotencyKey(ObjectNode json, String key) {
        if (!key.isEmpty()) {
            json.put("idempotency_key", key);
        }
    }
}
