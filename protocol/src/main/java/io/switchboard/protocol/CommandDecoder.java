package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Turns one client frame (UTF-8 JSON) into a {@link Command}, or explains with a
 * {@link FrameException} exactly what is wrong with it. Stateless and thread-safe.
 */
public final class CommandDecoder {
    private final ObjectMapper mapper;
    private final int maxDepth;

    /** A decoder refusing frames nested deeper than {@link Json#MAX_DEPTH}. */
    public CommandDecoder() {
        this(Json.MAX_DEPTH);
    }

    /** A decoder refusing frames nested deeper than {@code maxDepth} levels of arrays and objects. */
    public CommandDecoder(int maxDepth) {
        this.maxDepth = maxDepth;
        this.mapper = maxDepth == Json.MAX_DEPTH ? Json.mapper() : Json.mapper(maxDepth);
    }

    public Command decode(byte[] utf8) throws FrameException {
        JsonNode frame;
        try {
            frame = parse(utf8);
        } catch (FrameException e) {
            // Refused as a whole (too deep, a number too long): still answered with its id, when it has a good one.
            throw e.withId(FrameIds.scan(utf8));
        }
        if (!frame.isObject()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "a frame must be a JSON object");
        }
        JsonNode id = readId(frame);
        try {
            return decodeCommand(frame, id);
        } catch (FrameException e) {
            throw e.withId(id);
        }
    }

    private JsonNode parse(byte[] utf8) throws FrameException {
        try {
            JsonNode node = mapper.readTree(utf8);
            if (node == null || node.isMissingNode()) {
                throw new FrameException(ErrorCode.BAD_REQUEST, "empty frame");
            }
            return node;
        } catch (StreamConstraintsException e) {
            String why = e.getOriginalMessage();
            if (why.startsWith("Number value length")) {
                throw new FrameException(ErrorCode.BAD_REQUEST,
                        "a number longer than " + Json.MAX_NUMBER_LENGTH + " characters");
            }
            if (why.contains("nesting depth")) {
                throw CommandFields.tooDeep(maxDepth);
            }
            throw new FrameException(ErrorCode.BAD_REQUEST, "the frame is over a limit: " + why);
        } catch (JsonProcessingException e) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "unreadable frame: " + e.getMessage());
        }
    }

    private static JsonNode readId(JsonNode frame) throws FrameException {
        JsonNode id = frame.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (CommandFields.isValidId(id)) {
            return id;
        }
        throw CommandFields.badId();
    }

    private static Command decodeCommand(JsonNode frame, JsonNode id) throws FrameException {
        String type = requiredString(frame, "type");
        switch (type) {
            case "join_room":
                return new Command.JoinRoom(id, room(frame), since(frame));
            case "leave_room":
                return new Command.LeaveRoom(id, room(frame));
            case "room_message":
                return new Command.RoomMessage(id, room(frame), content(frame), idempotencyKey(frame));
            case "direct_message":
                return new Command.DirectMessage(id, user(frame, "to"), content(frame), idempotencyKey(frame));
            case "presence":
                return new Command.Presence(id, room(frame));
            case "history":
                return new Command.History(id, room(frame), since(frame), limit(frame), reverse(frame));
            case "direct_history":
                return new Command.DirectHistory(id, since(frame), limit(frame), reverse(frame));
            case "connect":
                return new Command.Connect(id, requiredString(frame, "token"));
            case "refresh":
                return new Command.Refresh(id, requiredString(frame, "token"));
            case "ping":
                return new Command.Ping(id);
            default:
                throw new FrameException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + type + "'");
        }
    }

    private static String requiredString(JsonNode frame, String field) throws FrameException {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field '" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field '" + field + "' must be a string");
        }
        return value.textValue();
    }

    private static String room(JsonNode frame) throws FrameException {
        return CommandFields.room(requiredString(frame, "room"));
    }

    private static String user(JsonNode frame, String field) throws FrameException {
        return CommandFields.user(field, requiredString(frame, field));
    }

    /** The optional {@code idempotency_key}; {@code null} when absent. */
    private static String idempotencyKey(JsonNode frame) throws FrameException {
        JsonNode key = frame.get("idempotency_key");
        if (key == null || key.isNull()) {
            return null;
        }
        if (!key.isTextual()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "bad 'idempotency_key': " + Names.IDEMPOTENCY_KEY_RULE);
        }
        return CommandFields.idempotencyKey(key.textValue());
    }

    private static String content(JsonNode frame) throws FrameException {
        JsonNode content = frame.get("content");
        if (content == null) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field 'content' is required");
        }
        return content.toString();
    }

    private static int limit(JsonNode frame) throws FrameException {
        JsonNode limit = frame.get("limit");
        if (limit == null || limit.isNull()) {
            return 0;
        }
        if (!limit.isIntegralNumber() || !limit.canConvertToInt()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field 'limit' must be a non-negative integer");
        }
        return CommandFields.limit(limit.intValue());
    }

    private static boolean reverse(JsonNode frame) throws FrameException {
        JsonNode reverse = frame.get("reverse");
        if (reverse == null || reverse.isNull()) {
            return false;
        }
        if (!reverse.isBoolean()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field 'reverse' must be true or false");
        }
        return reverse.booleanValue();
    }

    private static StreamPosition since(JsonNode frame) throws FrameException {
        JsonNode since = frame.get("since");
        if (since == null || since.isNull()) {
            return null;
        }
        if (!since.isObject()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field 'since' must be an object {offset, epoch}");
        }
        JsonNode offset = since.get("offset");
        if (offset == null || !offset.isIntegralNumber() || !offset.canConvertToLong() || offset.longValue() < 0) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field 'since.offset' must be a non-negative integer");
        }
        JsonNode epoch = since.get("epoch");
        if (epoch == null || !epoch.isTextual()) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field 'since.epoch' must be a string");
        }
        return CommandFields.since(offset.longValue(), epoch.textValue());
    }
}
