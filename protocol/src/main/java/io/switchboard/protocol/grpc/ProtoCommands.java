package io.switchboard.protocol.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Value;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.CommandFields;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.protocol.grpc.v1.ClientCommand;

/**
 * Turns a gRPC {@link ClientCommand} into a {@link Command} directly, under the same rules and
 * with the same refusals as a JSON frame gets from {@link io.switchboard.protocol.CommandDecoder}
 * (no detour through JSON text). An {@code id} that reads as an integer is one, as in JSON.
 * Stateless and thread-safe.
 */
public final class ProtoCommands {
    private final int maxDepth;

    /** A decoder refusing content nested deeper than {@code maxDepth} levels, the command itself counted. */
    public ProtoCommands(int maxDepth) {
        this.maxDepth = maxDepth;
    }

    /** A decoder with the JSON frames' default depth, {@link Json#MAX_DEPTH}. */
    public ProtoCommands() {
        this(Json.MAX_DEPTH);
    }

    public Command decode(ClientCommand command) throws FrameException {
        JsonNode id = id(command.getId());
        if (1 + depth(content(command)) > maxDepth) {
            throw CommandFields.tooDeep(maxDepth).withId(id);
        }
        if (id == null && !command.getId().isEmpty()) {
            throw CommandFields.badId();
        }
        try {
            return decode(command, id);
        } catch (FrameException e) {
            throw e.withId(id);
        }
    }

    private static Command decode(ClientCommand command, JsonNode id) throws FrameException {
        switch (command.getCommandCase()) {
            case JOIN_ROOM:
                return new Command.JoinRoom(id, CommandFields.room(command.getJoinRoom().getRoom()),
                        command.getJoinRoom().hasSince() ? since(command.getJoinRoom().getSince()) : null);
            case LEAVE_ROOM:
                return new Command.LeaveRoom(id, CommandFields.room(command.getLeaveRoom().getRoom()));
            case ROOM_MESSAGE: {
                var message = command.getRoomMessage();
                return new Command.RoomMessage(id, CommandFields.room(message.getRoom()), text(message.getContent()),
                        key(message.getIdempotencyKey()));
            }
            case DIRECT_MESSAGE: {
                var message = command.getDirectMessage();
                return new Command.DirectMessage(id, CommandFields.user("to", message.getTo()), text(message.getContent()),
                        key(message.getIdempotencyKey()));
            }
            case PRESENCE:
                return new Command.Presence(id, CommandFields.room(command.getPresence().getRoom()));
            case HISTORY: {
                var history = command.getHistory();
                return new Command.History(id, CommandFields.room(history.getRoom()),
                        history.hasSince() ? since(history.getSince()) : null, limit(history.getLimit()),
                        history.getReverse());
            }
            case DIRECT_HISTORY: {
                var history = command.getDirectHistory();
                return new Command.DirectHistory(id, history.hasSince() ? since(history.getSince()) : null,
                        limit(history.getLimit()), history.getReverse());
            }
            case PING:
                return new Command.Ping(id);
            case REFRESH:
                return new Command.Refresh(id, command.getRefresh().getToken());
            default:
                throw new FrameException(ErrorCode.BAD_REQUEST, "field 'type' is required");
        }
    }

    /** The command's id ({@link ProtoFrames#idNode}); {@code null} when there is none or it is invalid. */
    private static JsonNode id(String id) {
        JsonNode node = ProtoFrames.idNode(id);
        return node != null && CommandFields.isValidId(node) ? node : null;
    }

    private static Value content(ClientCommand command) {
        switch (command.getCommandCase()) {
            case ROOM_MESSAGE:
                return command.getRoomMessage().getContent();
            case DIRECT_MESSAGE:
                return command.getDirectMessage().getContent();
            default:
                return Value.getDefaultInstance();
        }
    }

    /** Levels of lists and structs in {@code value}: 0 for a scalar. */
    private static int depth(Value value) {
        int deepest = 0;
        if (value.hasListValue()) {
            for (Value item : value.getListValue().getValuesList()) {
                deepest = Math.max(deepest, depth(item));
            }
            return 1 + deepest;
        }
        if (value.hasStructValue()) {
            for (Value item : value.getStructValue().getFieldsMap().values()) {
                deepest = Math.max(deepest, depth(item));
            }
            return 1 + deepest;
        }
        return 0;
    }

    /** The content as JSON text, as a command carries it. */
    private static String text(Value content) {
        return JsonValues.toJson(content).toString();
    }

    /** A {@code uint32} limit: beyond what an int holds, it asks for everything kept anyway. */
    private static int limit(int unsigned) {
        return (int) Math.min(Integer.toUnsignedLong(unsigned), Integer.MAX_VALUE);
    }

    private static String key(String key) throws FrameException {
        return CommandFields.idempotencyKey(key.isEmpty() ? null : key);
    }

    private static StreamPosition since(io.switchboard.protocol.grpc.v1.StreamPosition since) throws FrameException {
        return CommandFields.since(since.getOffset(), since.getEpoch());
    }
}
